// spikeloop live page: draws what the server streams (protocol v1, docs/protocol.md) and sends
// user commands back. Plain ES module, no dependencies.
const PROTOCOL_VERSION = 1;
const FRAME_SPIKES = 1;
const HEADER = 32;
const HISTORY = 400; // motor samples kept for the traces
const LAYER_COLORS = ['#4fd1c5', '#f6ad55', '#b794f4', '#63b3ed', '#f687b3', '#68d391'];
const BODY_COLORS = ['#4fd1c5', '#f6ad55', '#63b3ed', '#f687b3', '#b794f4', '#68d391'];
// Keyboard controller: one key pair per action dimension, [keys for −1, keys for +1, label].
// R (reset) and Space (pause) keep their meaning, so no pair uses them.
const KEY_PAIRS = [
  [['ArrowLeft', 'KeyA'], ['ArrowRight', 'KeyD'], '← → / A D'],
  [['ArrowDown', 'KeyS'], ['ArrowUp', 'KeyW'], '↓ ↑ / S W'],
  [['KeyJ'], ['KeyL'], 'J L'],
  [['KeyK'], ['KeyI'], 'K I'],
  [['KeyN'], ['KeyM'], 'N M'],
  [['KeyZ'], ['KeyX'], 'Z X'],
];

const $ = (id) => document.getElementById(id);
const state = {
  hello: null,
  world: null,
  paused: false,
  speed: 1,
  seed: 0,
  episode: 0,
  returns: [],
  running: 0,
  steps: 0,
  motor: [],
  pendingColumns: [],
  pushes: [],
  drag: null,
  view: null,
  keys: new Set(),
  manualSent: '',
  counters: { spikeFrames: 0, snapshots: 0, rasterColumns: 0, spikesDrawn: 0, errors: [] },
};
let ws = null;

function decodeSpikes(buf) {
  const dv = new DataView(buf);
  if (buf.byteLength < HEADER || dv.getUint8(0) !== FRAME_SPIKES || dv.getUint8(1) !== PROTOCOL_VERSION) return null;
  const L = dv.getUint16(2, true),
    M = dv.getUint16(12, true);
  const counts = new Uint32Array(buf, HEADER, L);
  const spikes = [];
  let off = HEADER + 4 * L;
  for (let l = 0; l < L; l++) {
    spikes.push(new Uint32Array(buf, off, counts[l]));
    off += 4 * counts[l];
  }
  return {
    tick: dv.getUint32(4, true),
    episode: dv.getUint32(8, true),
    simTimeS: dv.getFloat64(16, true),
    spikes,
    motor: new Float32Array(buf, off, M),
  };
}

function send(msg) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

function connect() {
  ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => setConn();
  ws.onclose = () => {
    setConn();
    setTimeout(connect, 1000);
  };
  ws.onmessage = (ev) => {
    if (typeof ev.data !== 'string') {
      onSpikes(ev.data);
      return;
    }
    const m = JSON.parse(ev.data);
    (handlers[m.type] || (() => {}))(m);
  };
}

const handlers = {
  hello(m) {
    if (m.version !== PROTOCOL_VERSION) toast(`server speaks protocol v${m.version}, page v${PROTOCOL_VERSION}`);
    state.hello = m;
    state.view = null;
    state.motor = m.motorNames.map(() => []);
    state.returns = [];
    fillSelect($('env'), m.envs, m.env);
    fillSelect($('controller'), m.controllers, m.controller);
    $('raster-info').textContent = m.layers.map((l) => `${l.name} ${l.size}`).join(' · ');
    $('motor-legend').innerHTML = '';
    m.motorNames.forEach((n, i) => {
      const s = document.createElement('span');
      s.style.color = LAYER_COLORS[(i + 1) % LAYER_COLORS.length];
      s.textContent = `■ ${n} `;
      $('motor-legend').appendChild(s);
    });
    clearRaster();
    showKeys(m);
  },
  state(m) {
    state.paused = m.paused;
    state.speed = m.speed;
    state.seed = m.seed;
    if (m.episode !== state.episode) {
      state.episode = m.episode;
      state.view = null;
    }
    $('pause').textContent = m.paused ? 'Resume' : 'Pause';
    $('step').disabled = !m.paused;
    $('s-seed').textContent = m.seed;
    $('s-episode').textContent = m.episode;
    const opt = [...$('speed').options].find((o) => Number(o.value) === m.speed);
    if (opt) $('speed').value = opt.value;
    setConn();
  },
  snapshot(m) {
    state.world = m;
    state.counters.snapshots++;
  },
  stats(m) {
    state.running = m.return;
    state.steps = m.steps;
    $('s-return').textContent = m.return.toFixed(1);
    $('s-steps').textContent = m.steps;
    $('s-rtf').textContent = `${(m.rtf * 100).toFixed(0)}%`;
    $('s-clients').textContent = m.clients;
    $('s-episode').textContent = m.episode;
  },
  episode(m) {
    state.returns.push(m.return);
    if (state.returns.length > 40) state.returns.shift();
    state.view = null;
  },
  pushed(m) {
    state.pushes.push({ ...m, at: performance.now() });
  },
  error(m) {
    state.counters.errors.push(m);
    toast(`${m.code}: ${m.message}`);
  },
};

function onSpikes(buf) {
  const f = decodeSpikes(buf);
  if (!f || !state.hello) return;
  state.counters.spikeFrames++;
  state.pendingColumns.push(f.spikes);
  if (state.pendingColumns.length > 600) state.pendingColumns.splice(0, state.pendingColumns.length - 600);
  f.motor.forEach((v, i) => {
    const h = state.motor[i];
    if (!h) return;
    h.push(v);
    if (h.length > HISTORY) h.shift();
  });
}

function fillSelect(sel, items, current) {
  sel.innerHTML = '';
  for (const it of items) {
    const o = document.createElement('option');
    o.value = o.textContent = it;
    sel.appendChild(o);
  }
  sel.value = current;
}

function setConn() {
  const el = $('conn');
  const open = ws && ws.readyState === WebSocket.OPEN;
  el.className = 'pill ' + (!open ? 'off' : state.paused ? 'paused' : 'on');
  el.textContent = !open ? 'disconnected' : state.paused ? 'paused' : 'live';
}

let toastTimer = 0;
function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 3000);
}

// ---------- canvas helpers ----------
function fit(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr)),
    h = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    return true;
  }
  return false;
}

// ---------- world ----------
function worldBounds(world) {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  const add = (x, y) => {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  };
  for (const b of world.bodies) if (!b.isStatic) for (const [x, y] of b.vertices) add(x, y);
  for (const c of world.constraints) {
    add(...c.a);
    add(...c.b);
  }
  if (world.target) add(...world.target);
  if (!Number.isFinite(minX)) for (const b of world.bodies) for (const [x, y] of b.vertices) add(x, y);
  if (!Number.isFinite(minX)) return { minX: -1, maxX: 1, minY: -1, maxY: 1 };
  // The env's own hint (e.g. a track's ends) is kept in view as it is, without padding.
  if (world.view) {
    const pad = 0.1 * Math.max(maxX - minX, maxY - minY);
    return {
      minX: Math.min(world.view.minX, minX - pad),
      maxX: Math.max(world.view.maxX, maxX + pad),
      minY: Math.min(world.view.minY, minY - pad),
      maxY: Math.max(world.view.maxY, maxY + pad),
    };
  }
  // Leave room around the moving bodies to see where they go (at least 0.8 m on each side).
  const span = Math.max(maxX - minX, maxY - minY);
  const pad = Math.max(span * 0.6, 0.8);
  return { minX: minX - pad, maxX: maxX + pad, minY: minY - pad, maxY: maxY + pad };
}

function viewFor(canvas, b) {
  const sx = canvas.width / (b.maxX - b.minX),
    sy = canvas.height / (b.maxY - b.minY);
  const s = Math.min(sx, sy);
  const cx = (b.minX + b.maxX) / 2,
    cy = (b.minY + b.maxY) / 2;
  return { s, cx, cy };
}

function toCanvas(v, canvas, x, y) {
  return [canvas.width / 2 + (x - v.cx) * v.s, canvas.height / 2 - (y - v.cy) * v.s];
}
function toWorld(v, canvas, px, py) {
  return [(px - canvas.width / 2) / v.s + v.cx, -(py - canvas.height / 2) / v.s + v.cy];
}

function updateView(canvas) {
  const target = viewFor(canvas, worldBounds(state.world));
  if (!state.view) {
    state.view = target;
    return;
  }
  // The camera follows the bodies smoothly, and zooms out quickly but in slowly.
  const v = state.view;
  v.cx += (target.cx - v.cx) * 0.08;
  v.cy += (target.cy - v.cy) * 0.08;
  v.s += (target.s - v.s) * (target.s < v.s ? 0.25 : 0.02);
}

function drawWorld() {
  const canvas = $('world'),
    ctx = canvas.getContext('2d');
  fit(canvas);
  ctx.fillStyle = '#0b0f15';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (!state.world) return;
  if (!state.drag) updateView(canvas);
  const v = state.view,
    dpr = window.devicePixelRatio || 1;
  // Metre grid (or a decade of it) so that motion and scale are readable.
  const step = Math.pow(10, Math.floor(Math.log10((120 * dpr) / v.s)));
  const [x0, y1] = toWorld(v, canvas, 0, 0),
    [x1, y0] = toWorld(v, canvas, canvas.width, canvas.height);
  ctx.lineWidth = 1;
  for (let x = Math.floor(x0 / step) * step; x <= x1; x += step) {
    const [px] = toCanvas(v, canvas, x, 0);
    ctx.strokeStyle = Math.abs(x) < step / 2 ? '#2c3a4f' : '#161e29';
    ctx.beginPath();
    ctx.moveTo(px, 0);
    ctx.lineTo(px, canvas.height);
    ctx.stroke();
  }
  for (let y = Math.floor(y0 / step) * step; y <= y1; y += step) {
    const [, py] = toCanvas(v, canvas, 0, y);
    ctx.strokeStyle = Math.abs(y) < step / 2 ? '#2c3a4f' : '#161e29';
    ctx.beginPath();
    ctx.moveTo(0, py);
    ctx.lineTo(canvas.width, py);
    ctx.stroke();
  }
  let dyn = 0;
  for (const b of state.world.bodies) {
    const palette = b.isStatic ? '#3b4658' : BODY_COLORS[dyn++ % BODY_COLORS.length];
    if (b.style && b.style.hidden) continue;
    const stroke = (b.style && b.style.stroke) || (b.style && b.style.fill) || palette;
    const fill = (b.style && b.style.fill) || (b.isStatic ? '#232b38' : palette + '55');
    ctx.lineWidth = (state.drag && state.drag.bodyId === b.id ? 3 : 1.6) * dpr;
    ctx.strokeStyle = stroke;
    ctx.fillStyle = fill;
    if (b.circleRadiusM) drawCircle(ctx, v, canvas, b);
    else for (const outline of outlines(b)) drawOutline(ctx, v, canvas, outline);
  }
  for (const c of state.world.constraints) {
    if (c.style && c.style.hidden) continue;
    const color = (c.style && c.style.stroke) || '#d7dee8';
    const [ax, ay] = toCanvas(v, canvas, ...c.a),
      [bx, by] = toCanvas(v, canvas, ...c.b);
    ctx.strokeStyle = color;
    ctx.lineWidth = 2 * dpr;
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.stroke();
    ctx.fillStyle = color;
    for (const [px, py] of [
      [ax, ay],
      [bx, by],
    ]) {
      ctx.beginPath();
      ctx.arc(px, py, 3.5 * dpr, 0, 7);
      ctx.fill();
    }
  }
  if (state.world.target) {
    const [tx, ty] = toCanvas(v, canvas, ...state.world.target);
    ctx.strokeStyle = '#fc8181';
    ctx.lineWidth = 2 * dpr;
    ctx.beginPath();
    ctx.arc(tx, ty, 9 * dpr, 0, 7);
    ctx.moveTo(tx - 14 * dpr, ty);
    ctx.lineTo(tx + 14 * dpr, ty);
    ctx.moveTo(tx, ty - 14 * dpr);
    ctx.lineTo(tx, ty + 14 * dpr);
    ctx.stroke();
  }
  const now = performance.now();
  state.pushes = state.pushes.filter((p) => now - p.at < 800);
  const maxI = state.hello ? state.hello.maxImpulseNs : 1;
  for (const p of state.pushes) {
    const a = 1 - (now - p.at) / 800;
    const len = (Math.hypot(...p.impulse) / maxI) * canvas.width * 0.25;
    const dir = Math.atan2(p.impulse[1], p.impulse[0]);
    const [px, py] = toCanvas(v, canvas, ...p.point);
    arrow(ctx, px - Math.cos(dir) * len, py + Math.sin(dir) * len, px, py, `rgba(252,129,129,${a})`, dpr);
  }
  if (state.drag) {
    const [gx, gy] = toCanvas(v, canvas, ...state.drag.point);
    arrow(ctx, gx, gy, state.drag.px, state.drag.py, '#fc8181', dpr);
  }
  ctx.fillStyle = '#7d8a9c';
  ctx.font = `${11 * dpr}px ui-monospace, monospace`;
  ctx.fillText(`t = ${state.world.time.toFixed(2)} s   grid ${step} m`, 10 * dpr, canvas.height - 10 * dpr);
  $('world-info').textContent = state.hello
    ? `${state.hello.env} · ${state.hello.controller} · ${state.hello.controlHz.toFixed(0)} Hz`
    : '';
}

// A body's outline is drawn around its reported position: if an env moves a body without moving
// its vertices (e.g. after projecting it onto a rail), the outline would otherwise drift away.
function vertexOffset(b) {
  let mx = 0,
    my = 0;
  for (const [x, y] of b.vertices) {
    mx += x;
    my += y;
  }
  const n = b.vertices.length || 1;
  return b.isStatic ? [0, 0] : [b.position[0] - mx / n, b.position[1] - my / n];
}

// The polygons that make up a body (the snapshot's convex parts of a compound body, else its
// outline), in world coordinates, shifted onto its reported position.
function outlines(b) {
  const [ox, oy] = vertexOffset(b);
  const polys = b.parts && b.parts.length ? b.parts : [b.vertices];
  return polys.map((poly) => poly.map(([x, y]) => [x + ox, y + oy]));
}

function drawOutline(ctx, v, canvas, poly) {
  ctx.beginPath();
  poly.forEach(([x, y], i) => {
    const [px, py] = toCanvas(v, canvas, x, y);
    i ? ctx.lineTo(px, py) : ctx.moveTo(px, py);
  });
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
}

// A circle, with a spoke from its centre so that its rotation shows.
function drawCircle(ctx, v, canvas, b) {
  const [cx, cy] = toCanvas(v, canvas, ...b.position),
    r = b.circleRadiusM * v.s;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(cx, cy);
  ctx.lineTo(cx + Math.cos(b.angle) * r, cy - Math.sin(b.angle) * r);
  ctx.stroke();
}

function arrow(ctx, x0, y0, x1, y1, color, dpr) {
  const ang = Math.atan2(y1 - y0, x1 - x0),
    h = 10 * dpr;
  ctx.strokeStyle = ctx.fillStyle = color;
  ctx.lineWidth = 2.5 * dpr;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - h * Math.cos(ang - 0.45), y1 - h * Math.sin(ang - 0.45));
  ctx.lineTo(x1 - h * Math.cos(ang + 0.45), y1 - h * Math.sin(ang + 0.45));
  ctx.closePath();
  ctx.fill();
}

function pointInPolygon(x, y, vs) {
  let inside = false;
  for (let i = 0, j = vs.length - 1; i < vs.length; j = i++) {
    const [xi, yi] = vs[i],
      [xj, yj] = vs[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function bodyAt(wx, wy, slackM) {
  let best = null,
    bestD = Infinity;
  for (const b of state.world.bodies) {
    if (b.isStatic || (b.style && b.style.hidden)) continue;
    const d = Math.hypot(b.position[0] - wx, b.position[1] - wy);
    if (b.circleRadiusM ? d <= b.circleRadiusM : outlines(b).some((poly) => pointInPolygon(wx, wy, poly))) return b;
    if (d < slackM && d < bestD) {
      best = b;
      bestD = d;
    }
  }
  return best;
}

function installPush() {
  const canvas = $('world');
  const pos = (e) => {
    const r = canvas.getBoundingClientRect(),
      dpr = canvas.width / r.width;
    return [(e.clientX - r.left) * dpr, (e.clientY - r.top) * dpr];
  };
  canvas.addEventListener('pointerdown', (e) => {
    if (!state.world || !state.view) return;
    const [px, py] = pos(e),
      [wx, wy] = toWorld(state.view, canvas, px, py);
    const b = bodyAt(wx, wy, (24 * (window.devicePixelRatio || 1)) / state.view.s);
    if (!b) return;
    canvas.setPointerCapture(e.pointerId);
    state.drag = { bodyId: b.id, point: [wx, wy], px, py };
  });
  canvas.addEventListener('pointermove', (e) => {
    if (state.drag) [state.drag.px, state.drag.py] = pos(e);
  });
  canvas.addEventListener('pointerup', (e) => {
    const d = state.drag;
    state.drag = null;
    if (!d) return;
    const [px, py] = pos(e),
      [wx, wy] = toWorld(state.view, canvas, px, py);
    // A drag across a quarter of the canvas is a full-strength push (the server clamps it too).
    const full = (canvas.width * 0.25) / state.view.s,
      max = state.hello.maxImpulseNs;
    const k = max / full;
    send({ type: 'push', bodyId: d.bodyId, point: d.point, impulse: [(wx - d.point[0]) * k, (wy - d.point[1]) * k] });
  });
}

// ---------- raster ----------
function clearRaster() {
  const c = $('raster');
  c.getContext('2d').clearRect(0, 0, c.width, c.height);
  state.pendingColumns = [];
}

function bands(canvas) {
  const layers = state.hello.layers,
    gap = 6 * (window.devicePixelRatio || 1);
  const weights = layers.map((l) => Math.sqrt(l.size));
  const total = weights.reduce((a, b) => a + b, 0),
    avail = canvas.height - gap * (layers.length - 1);
  let y = 0;
  return layers.map((l, i) => {
    const h = (avail * weights[i]) / total;
    const b = { top: y, h, size: l.size };
    y += h + gap;
    return b;
  });
}

function drawRaster() {
  const canvas = $('raster'),
    ctx = canvas.getContext('2d');
  if (fit(canvas)) state.pendingColumns = [];
  if (!state.hello || !state.pendingColumns.length) return;
  const dpr = window.devicePixelRatio || 1,
    col = Math.max(1, Math.round(2 * dpr));
  const cols = state.pendingColumns;
  state.pendingColumns = [];
  const shift = Math.min(canvas.width, cols.length * col);
  ctx.globalCompositeOperation = 'copy';
  ctx.drawImage(canvas, -shift, 0);
  ctx.globalCompositeOperation = 'source-over';
  ctx.clearRect(canvas.width - shift, 0, shift, canvas.height);
  const bs = bands(canvas);
  for (let l = 0; l < bs.length; l++) {
    ctx.fillStyle = '#121923';
    ctx.fillRect(canvas.width - shift, bs[l].top, shift, bs[l].h);
  }
  cols.slice(-Math.ceil(shift / col)).forEach((spikes, k, arr) => {
    const x = canvas.width - (arr.length - k) * col;
    spikes.forEach((idx, l) => {
      const b = bs[l];
      if (!b) return;
      const rowH = Math.max(1, b.h / b.size);
      ctx.fillStyle = LAYER_COLORS[l % LAYER_COLORS.length];
      for (const i of idx) ctx.fillRect(x, b.top + (i * b.h) / b.size, col, rowH);
      state.counters.spikesDrawn += idx.length;
    });
    state.counters.rasterColumns++;
  });
  ctx.fillStyle = '#7d8a9c';
  ctx.font = `${10 * dpr}px ui-monospace, monospace`;
  bs.forEach((b, l) => {
    ctx.fillStyle = '#0b0f15cc';
    ctx.fillRect(2 * dpr, b.top + 1, ctx.measureText(state.hello.layers[l].name).width + 6 * dpr, 13 * dpr);
    ctx.fillStyle = '#9aa7b8';
    ctx.fillText(state.hello.layers[l].name, 5 * dpr, b.top + 11 * dpr);
  });
}

// ---------- motor traces & returns ----------
function drawMotor() {
  const canvas = $('motor'),
    ctx = canvas.getContext('2d');
  fit(canvas);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const dpr = window.devicePixelRatio || 1,
    H = canvas.height,
    W = canvas.width;
  let m = 1;
  for (const h of state.motor) for (const v of h) m = Math.max(m, Math.abs(v));
  ctx.strokeStyle = '#263041';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, H / 2);
  ctx.lineTo(W, H / 2);
  ctx.stroke();
  state.motor.forEach((h, i) => {
    ctx.strokeStyle = LAYER_COLORS[(i + 1) % LAYER_COLORS.length];
    ctx.lineWidth = 1.6 * dpr;
    ctx.beginPath();
    h.forEach((v, k) => {
      const x = W - ((h.length - 1 - k) * W) / (HISTORY - 1),
        y = H / 2 - (v / m) * (H / 2 - 4 * dpr);
      k ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
    });
    ctx.stroke();
  });
  ctx.fillStyle = '#7d8a9c';
  ctx.font = `${10 * dpr}px ui-monospace, monospace`;
  ctx.fillText(`±${m.toFixed(2)}`, 4 * dpr, 12 * dpr);
}

function drawReturns() {
  const canvas = $('returns'),
    ctx = canvas.getContext('2d');
  fit(canvas);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const dpr = window.devicePixelRatio || 1,
    H = canvas.height - 14 * dpr,
    W = canvas.width;
  const vals = [...state.returns, state.running];
  const hi = Math.max(1, ...vals.map(Math.abs));
  const bw = W / 41;
  vals.forEach((r, i) => {
    const x = W - (vals.length - i) * bw,
      h = (Math.abs(r) / hi) * (H - 4 * dpr);
    const last = i === vals.length - 1;
    ctx.fillStyle = r < 0 ? '#fc818199' : last ? '#4fd1c540' : '#4fd1c5aa';
    ctx.fillRect(x + 1, H - h, bw - 2, h);
    if (last) {
      ctx.strokeStyle = '#4fd1c5';
      ctx.strokeRect(x + 1, H - h, bw - 2, h);
    }
  });
  ctx.fillStyle = '#7d8a9c';
  ctx.font = `${10 * dpr}px ui-monospace, monospace`;
  ctx.fillText(
    `max ${hi.toFixed(0)} · last ${state.returns.length ? state.returns[state.returns.length - 1].toFixed(1) : '–'} · current ${state.running.toFixed(1)}`,
    4 * dpr,
    canvas.height - 3 * dpr,
  );
}

function frame() {
  drawWorld();
  drawRaster();
  drawMotor();
  drawReturns();
  requestAnimationFrame(frame);
}

// ---------- controls ----------
$('pause').onclick = () => send({ type: state.paused ? 'resume' : 'pause' });
$('step').onclick = () => send({ type: 'step' });
$('reset').onclick = () => send({ type: 'reset' });
$('speed').onchange = (e) => send({ type: 'speed', factor: Number(e.target.value) });
$('env').onchange = $('controller').onchange = () => send({ type: 'select', env: $('env').value, controller: $('controller').value });
window.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLSelectElement) return;
  if (e.code === 'Space') {
    e.preventDefault();
    send({ type: state.paused ? 'resume' : 'pause' });
  }
  if (e.key === 'r') send({ type: 'reset' });
  if (manualKey(e.code)) {
    e.preventDefault();
    state.keys.add(e.code);
    sendManual();
  }
});
window.addEventListener('keyup', (e) => {
  if (!manualKey(e.code)) return;
  state.keys.delete(e.code);
  sendManual();
});
// A key released while the page had no focus would stay held: let go of all of them.
window.addEventListener('blur', () => {
  state.keys.clear();
  sendManual();
});

// ---------- keyboard controller ----------
function manualKey(code) {
  return KEY_PAIRS.some(([neg, pos]) => neg.includes(code) || pos.includes(code));
}

// The held command per action dimension (−1, 0 or +1), sent only when it changes.
function sendManual() {
  const names = state.hello && state.hello.manual;
  if (!names) return;
  const held = (keys) => keys.some((k) => state.keys.has(k));
  const values = names.map((_, i) => {
    const pair = KEY_PAIRS[i];
    return pair ? (held(pair[1]) ? 1 : 0) - (held(pair[0]) ? 1 : 0) : 0;
  });
  const key = values.join(',');
  if (key === state.manualSent) return;
  state.manualSent = key;
  send({ type: 'action', values });
}

function showKeys(m) {
  const el = $('keys');
  state.manualSent = '';
  el.innerHTML = '';
  if (m.recording) {
    const rec = document.createElement('span');
    rec.className = 'rec';
    rec.textContent = `● recording to ${m.recording}`;
    el.appendChild(rec);
  }
  if (m.manual) {
    const keys = document.createElement('span');
    const pairs = m.manual.map((n, i) => (KEY_PAIRS[i] ? `${KEY_PAIRS[i][2]}: ${n} −/+` : `${n}: no keys`));
    keys.textContent = `keyboard drives the body · ${pairs.join(' · ')} · release = 0`;
    el.appendChild(keys);
  }
  el.hidden = !m.recording && !m.manual;
  // A new simulation starts with no key held; tell it about keys that still are.
  if (m.manual && state.keys.size) sendManual();
}

// Read-only hook for tests and the console: current state and the world→CSS-pixel transform.
window.spikeloop = {
  state,
  worldToClient(x, y) {
    const c = $('world'),
      r = c.getBoundingClientRect(),
      [px, py] = toCanvas(state.view, c, x, y),
      k = r.width / c.width;
    return { x: r.left + px * k, y: r.top + py * k };
  },
};

installPush();
connect();
requestAnimationFrame(frame);

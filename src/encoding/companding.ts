/**
 * Power-law companding of motor commands in [−1, 1]: the label is u = sign(c)·|c|^γ and the
 * decoded output is expanded back by c = sign(u)·|u|^(1/γ). With γ < 1 a small command takes a
 * larger share of the push/pull neurons' spike range, so a few spikes more or less move the
 * action less near zero — where fine positioning (the reacher's last centimetres) needs it.
 */

function checkGamma(gamma: number): void {
  if (!(gamma > 0 && gamma <= 1)) throw new Error(`command exponent must be in (0, 1], got ${gamma}`);
}

/** sign(c)·|c|^γ. */
export function compressCommand(c: number, gamma: number): number {
  checkGamma(gamma);
  return gamma === 1 ? c : Math.sign(c) * Math.abs(c) ** gamma;
}

/** sign(u)·|u|^(1/γ): the inverse of `compressCommand`. */
export function expandCommand(u: number, gamma: number): number {
  checkGamma(gamma);
  return gamma === 1 ? u : Math.sign(u) * Math.abs(u) ** (1 / gamma);
}

/** Contract for benchmark suites: each `bench/<name>.bench.ts` default-exports a `BenchSuite`. */
export interface BenchTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
  /** Free-text lines printed under the table (e.g. target met or missed, and why). */
  notes?: string[];
}

export interface BenchOptions {
  /** Fewer iterations, for a smoke run (`npm run bench -- --quick`). */
  quick: boolean;
}

export type BenchSuite = (opts: BenchOptions) => Promise<BenchTable[]>;

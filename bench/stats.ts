/** Distribution of a sample, for benchmark output. */
export interface Distribution {
  n: number;
  min: number;
  median: number;
  p90: number;
  p95: number;
  max: number;
  samples: number[];
}

export function distribution(samples: number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
  const round = (value: number) => Math.round(value);
  return {
    n: sorted.length,
    min: round(sorted[0]),
    median: round(at(0.5)),
    p90: round(at(0.9)),
    p95: round(at(0.95)),
    max: round(sorted[sorted.length - 1]),
    samples: samples.map(round),
  };
}

// "Maybe you meant" suggestions computed as the AWS CLI computes them: Python's
// difflib.get_close_matches(word, choices, n=3, cutoff) with SequenceMatcher.ratio().

function longestMatch(a: string, b: string, alo: number, ahi: number, blo: number, bhi: number, b2j: Map<string, number[]>): [number, number, number] {
  let besti = alo;
  let bestj = blo;
  let bestsize = 0;
  let j2len = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const newj2len = new Map<number, number>();
    for (const j of b2j.get(a[i]!) ?? []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (j2len.get(j - 1) ?? 0) + 1;
      newj2len.set(j, k);
      if (k > bestsize) {
        besti = i - k + 1;
        bestj = j - k + 1;
        bestsize = k;
      }
    }
    j2len = newj2len;
  }
  return [besti, bestj, bestsize];
}

function matchingCharacters(a: string, b: string): number {
  const b2j = new Map<string, number[]>();
  for (let j = 0; j < b.length; j++) {
    const list = b2j.get(b[j]!);
    if (list) list.push(j);
    else b2j.set(b[j]!, [j]);
  }
  let total = 0;
  const queue: Array<[number, number, number, number]> = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    const [i, j, k] = longestMatch(a, b, alo, ahi, blo, bhi, b2j);
    if (k) {
      total += k;
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
  }
  return total;
}

/** SequenceMatcher(None, a, b).ratio() */
export function ratio(a: string, b: string): number {
  const t = a.length + b.length;
  return t ? (2 * matchingCharacters(a, b)) / t : 1;
}

/** difflib.get_close_matches: best first; equal scores ordered as Python's nlargest on (score, word). */
export function getCloseMatches(word: string, possibilities: Iterable<string>, n = 3, cutoff = 0.6): string[] {
  const result: Array<[number, string]> = [];
  for (const x of possibilities) {
    // real_quick_ratio and quick_ratio only short-circuit; ratio() decides.
    const la = x.length;
    const lb = word.length;
    if ((2 * Math.min(la, lb)) / (la + lb || 1) < cutoff) continue;
    const r = ratio(x, word);
    if (r >= cutoff) result.push([r, x]);
  }
  result.sort((p, q) => (q[0] !== p[0] ? q[0] - p[0] : q[1] < p[1] ? -1 : q[1] > p[1] ? 1 : 0));
  return result.slice(0, n).map((r) => r[1]);
}

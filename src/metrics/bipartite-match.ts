/**
 * Maximum-cardinality bipartite matching, Hopcroft–Karp style, visiting vertices in the same order as sed_eval 0.2.1's
 * `util.bipartite_match` (after mir_eval, after Eppstein). The size of a maximum matching is unique, but *which*
 * reference events stay unmatched is not, and sed_eval's substitution count depends on that: hence the same greedy
 * start, the same layering order and the same backward search, with insertion-ordered Maps standing in for Python
 * dicts.
 */

const FREE = -1; // marks a left vertex in the first layer (sed_eval uses the `unmatched` list object itself)

/**
 * @param graph left vertex → its right neighbours; iteration order matters (sed_eval: estimates in order of their
 *   first hit when hits are walked reference-major, each with its references ascending). Vertices are ≥ 0.
 * @returns right vertex → matched left vertex.
 */
export function bipartiteMatch(graph: Map<number, number[]>): Map<number, number> {
  const matching = new Map<number, number>();
  // Greedy start: each left vertex takes its first free neighbour.
  for (const [u, vs] of graph) {
    for (const v of vs) {
      if (!matching.has(v)) {
        matching.set(v, u);
        break;
      }
    }
  }

  for (;;) {
    const preds = new Map<number, number[]>(); // right vertex → left neighbours in the previous layer
    const unmatched: number[] = []; // free right vertices reached in the last layer
    const pred = new Map<number, number>(); // left vertex → right vertex it was reached from, or FREE
    for (const u of graph.keys()) pred.set(u, FREE);
    for (const u of matching.values()) pred.delete(u);
    let layer = [...pred.keys()];

    while (layer.length > 0 && unmatched.length === 0) {
      const newLayer = new Map<number, number[]>();
      for (const u of layer) {
        for (const v of graph.get(u)!) {
          if (preds.has(v)) continue;
          const us = newLayer.get(v);
          if (us) us.push(u);
          else newLayer.set(v, [u]);
        }
      }
      layer = [];
      for (const [v, us] of newLayer) {
        preds.set(v, us);
        const mate = matching.get(v);
        if (mate !== undefined) {
          layer.push(mate);
          pred.set(mate, v);
        } else {
          unmatched.push(v);
        }
      }
    }

    if (unmatched.length === 0) return matching;

    // Search back through the layers for vertex-disjoint augmenting paths.
    const recurse = (v: number): boolean => {
      const us = preds.get(v);
      if (us === undefined) return false;
      preds.delete(v);
      for (const u of us) {
        const pu = pred.get(u);
        if (pu === undefined) continue;
        pred.delete(u);
        if (pu === FREE || recurse(pu)) {
          matching.set(v, u);
          return true;
        }
      }
      return false;
    };
    for (const v of unmatched) recurse(v);
  }
}

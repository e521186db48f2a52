/** A task category: tasks get 7x / 10x `timeRef` seconds to contribute / finish (as PoCo). */
export interface CategorySpec {
  name: string;
  description: string;
  timeRef: bigint;
}

/** PoCo's default categories, XS to XL. */
export const DEFAULT_CATEGORIES: readonly CategorySpec[] = [
  { name: "XS", description: "Very small tasks (5 min reference)", timeRef: 300n },
  { name: "S", description: "Small tasks (20 min reference)", timeRef: 1_200n },
  { name: "M", description: "Medium tasks (1 h reference)", timeRef: 3_600n },
  { name: "L", description: "Large tasks (3 h reference)", timeRef: 10_800n },
  { name: "XL", description: "Very large tasks (10 h reference)", timeRef: 36_000n },
];

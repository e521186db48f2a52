import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Total bytes of regular files under `dir` (symlinks and specials count 0); stops past `cap`. */
export function folderSize(dir: string, cap = Number.MAX_SAFE_INTEGER): number {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0 && total <= cap) {
    const current = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(current);
    } catch {
      continue;
    }
    for (const name of names) {
      const full = join(current, name);
      try {
        const info = lstatSync(full);
        if (info.isDirectory()) stack.push(full);
        else if (info.isFile()) total += info.size;
      } catch {
        // vanished meanwhile
      }
    }
  }
  return total;
}

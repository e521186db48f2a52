// Allocates until it dies: the sandbox must stop it at the memory limit.
const hoard = [];
for (;;) hoard.push(Buffer.alloc(8 * 1024 * 1024, 1), new Array(1e5).fill(Math.random()));

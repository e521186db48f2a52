// Never ends: the sandbox must kill it (CPU limit or wall-clock timeout).
for (;;);

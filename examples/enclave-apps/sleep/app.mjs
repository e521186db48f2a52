// Idles forever without using CPU: only the wall-clock timeout stops it.
setInterval(() => {}, 1_000);

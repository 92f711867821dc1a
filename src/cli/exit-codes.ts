/**
 * Exit codes scripts can rely on: 0 ok, 1 finished with failures (some clips/files), 2 bad usage or config, 70 bug
 * (an error we did not expect), 130 interrupted (Ctrl-C; training wrote a checkpoint).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, internal: 70, interrupted: 130 } as const;

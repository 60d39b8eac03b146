export const DRAIN_FLOOR_MS = 300;
export const DRAIN_CAP_MS = 3000;

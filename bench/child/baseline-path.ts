/** The one route of the baseline server (GET and POST). */
export const BASELINE_PATH = '/baseline';

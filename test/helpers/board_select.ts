/**
 * Which boards the board suites (test/boards) run on, whatever environment supplies the boards
 * (test/helpers/boards.ts, or on XS test/xs/boards_env.ts or sim_env.ts).
 */

/** Whether the board suites run on `name`: every board, or only those $ZSOCK_BOARDS names
 *  (comma-separated; test/xs/boards.test.ts compares one board's results across engines). */
export function boardSelected(name: string): boolean {
  const only = process.env.ZSOCK_BOARDS?.split(',');
  return !only || only.includes(name);
}

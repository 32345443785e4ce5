/**
 * Runs tasks one after another in the order they were handed in, whether each resolves or rejects.
 * Shared by the embedded database (one statement or transaction at a time) and the push loops of a
 * process (one claim at a time).
 */
export function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const turn = tail.then(task);
    tail = turn.catch(() => {});
    return turn;
  };
}

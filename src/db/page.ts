/** One page of a list: a query asks for `limit + 1` rows, and the extra row says whether there are more. */
export interface RowPage<R, P> {
  items: R[];
  /** The position after the last item when there may be more, else null. */
  next: P | null;
}

export function pageOf<R, P>(rows: R[], limit: number, position: (last: R) => P): RowPage<R, P> {
  if (rows.length <= limit) return { items: rows, next: null };
  const items = rows.slice(0, limit);
  return { items, next: position(items[items.length - 1]) };
}

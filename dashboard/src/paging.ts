/** A list read page by page from an operation answering `{items, nextCursor}`, for the pages that show one. */
import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from "react";

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface Paged<T> {
  items: readonly T[];
  setItems: Dispatch<SetStateAction<readonly T[]>>;
  nextCursor: string | null;
  loaded: boolean;
  loadingOlder: boolean;
  error: unknown;
  loadOlder(): Promise<void>;
}

/**
 * The first page, read again whenever `fetchPage` changes (new filters), and older pages on demand, each item once
 * (by `idOf`); an answer to a read that newer filters have replaced is dropped.
 */
export function usePaged<T>(fetchPage: (cursor?: string) => Promise<Page<T>>, idOf: (item: T) => string): Paged<T> {
  const [items, setItems] = useState<readonly T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const generation = useRef(0);
  const identify = useRef(idOf);
  identify.current = idOf;

  useEffect(() => {
    const mine = ++generation.current;
    setLoaded(false);
    void (async () => {
      try {
        const page = await fetchPage();
        if (mine !== generation.current) return;
        setItems(page.items);
        setNextCursor(page.nextCursor ?? null);
        setError(undefined);
      } catch (failure) {
        if (mine !== generation.current) return;
        setItems([]);
        setNextCursor(null);
        setError(failure);
      } finally {
        if (mine === generation.current) setLoaded(true);
      }
    })();
  }, [fetchPage]);

  const loadOlder = async () => {
    if (!nextCursor) return;
    const mine = generation.current;
    setLoadingOlder(true);
    try {
      const page = await fetchPage(nextCursor);
      if (mine !== generation.current) return;
      setItems((before) => {
        const seen = new Set(before.map((item) => identify.current(item)));
        return [...before, ...page.items.filter((item) => !seen.has(identify.current(item)))];
      });
      setNextCursor(page.nextCursor ?? null);
    } catch (failure) {
      if (mine === generation.current) setError(failure);
    } finally {
      setLoadingOlder(false);
    }
  };

  return { items, setItems, nextCursor, loaded, loadingOlder, error, loadOlder };
}

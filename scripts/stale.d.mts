/** Types of scripts/stale.mjs for the TypeScript that imports it (tests). */
export declare function newestMtime(path: string, skip?: (path: string) => boolean): number;
export declare function isStale(stamp: string, sources: string[], skip?: (path: string) => boolean): boolean;

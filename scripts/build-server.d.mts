/** Types of scripts/build-server.mjs for the TypeScript that imports it (tests). */
export declare const SERVER_BUNDLE: string;
export declare function serverBuildIsStale(): boolean;
export declare function buildServer(options?: { force?: boolean }): Promise<boolean>;

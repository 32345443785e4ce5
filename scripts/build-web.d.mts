export const WEB_DIST: string;
export function webBuildIsStale(): boolean;
export function buildWeb(options?: { force?: boolean }): Promise<boolean>;

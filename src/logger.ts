import pino, { type Logger } from 'pino';

/** Paths never written to logs: tokens, keys, secrets, passwords, wherever they appear. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.api_key',
  '*.apiKey',
  '*.client_secret',
  '*.clientSecret',
  '*.password',
  '*.staff_token',
  '*.secret_key',
  'access_token',
  'refresh_token',
  'api_key',
  'client_secret',
  'password',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'leadsync' } }, destination);
}

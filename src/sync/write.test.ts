import { describe, expect, it } from 'vitest';
import { SalesforceNotConnected, SalesforceReconnectionRequired, type SaveResult } from '../salesforce/client.ts';
import { NO_ANSWER, recordOutcome, requestFailure } from './write.ts';

const failed = (statusCode: string): SaveResult => ({ success: false, errors: [{ statusCode, message: `${statusCode} happened`, fields: [] }] });

describe('recordOutcome (per-record results of a Collections write)', () => {
  it.each([
    ['success', { success: true, id: '00Q000000000001AAA', errors: [] }, 0, { status: 'success', id: '00Q000000000001AAA' }],
    ['lock, tries left', failed('UNABLE_TO_LOCK_ROW'), 0, { status: 'retrying', code: 'UNABLE_TO_LOCK_ROW' }],
    ['server unavailable, tries left', failed('SERVER_UNAVAILABLE'), 6, { status: 'retrying', code: 'SERVER_UNAVAILABLE' }],
    ['lock, the 8th try', failed('UNABLE_TO_LOCK_ROW'), 7, { status: 'error', code: 'UNABLE_TO_LOCK_ROW' }],
    ['validation rule', failed('FIELD_CUSTOM_VALIDATION_EXCEPTION'), 0, { status: 'error', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' }],
    ['required field', failed('REQUIRED_FIELD_MISSING'), 0, { status: 'error', code: 'REQUIRED_FIELD_MISSING' }],
    ['duplicate rule', failed('DUPLICATES_DETECTED'), 0, { status: 'error', code: 'DUPLICATES_DETECTED' }],
    ['no reason given', { success: false, errors: [] }, 0, { status: 'error', code: 'UNKNOWN' }],
  ] as const)('%s', (_name, result, attempts, expected) => {
    expect(recordOutcome(result as SaveResult, attempts)).toMatchObject(expected);
  });
});

describe('requestFailure (a request without per-record answers)', () => {
  const sfError = (errorCode: string) => Object.assign(new Error(`${errorCode}: oops`), { errorCode });
  it.each([
    ['authorization lost: hold the queue', new SalesforceReconnectionRequired('org', 'invalid_grant'), 'hold'],
    ['not connected: hold the queue', new SalesforceNotConnected('org'), 'hold'],
    ['API limit: pause the organization', sfError('REQUEST_LIMIT_EXCEEDED'), 'pause'],
    ['server unavailable: retry', sfError('SERVER_UNAVAILABLE'), 'retry'],
    ['vanished field: retry (after flagging)', sfError('INVALID_FIELD'), 'retry'],
  ] as const)('%s', (_name, error, kind) => {
    expect(requestFailure(error).kind).toBe(kind);
  });

  it('a connection closed without an answer is retried under its own code (it may have committed)', () => {
    const reset = Object.assign(new Error('socket hang up'), { name: 'FetchError', code: 'ECONNRESET' });
    expect(requestFailure(reset)).toEqual({ kind: 'retry', code: NO_ANSWER, message: 'socket hang up' });
  });
});

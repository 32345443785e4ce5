import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeAll(async () => {
  ctx = await open({ seed: 'empty' });
});
afterAll(async () => {
  await ctx.sb.close();
});

const NOT_FOUND = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];

describe("errors in Salesforce's shape everywhere under /services", () => {
  it('unknown resources and sub-resources answer 404 NOT_FOUND as a JSON array', async () => {
    const auth = { authorization: `Bearer ${ctx.token}` };
    for (const path of [
      '/services/async/64.0/job',
      '/services/async/64.0/job/750000000000001/batch',
      '/services/Soap/u/64.0',
      '/services/apexrest/anything',
      '/services/nothing',
      '/services/data/v64.0/nothing',
      '/services/data/v64.0/sobjects/Lead/describe/extra',
      '/services/data/v64.0/jobs/unknown',
      '/services/data/v99.0/sobjects',
    ]) {
      const res = await fetch(`${ctx.sb.url}${path}`, { headers: auth });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(await res.json(), path).toEqual(NOT_FOUND);
    }
    const post = await fetch(`${ctx.sb.url}/services/async/64.0/job`, { method: 'POST', headers: { ...auth, 'content-type': 'application/xml' }, body: '<jobInfo/>' });
    expect(post.status).toBe(404);
    expect(await post.json()).toEqual(NOT_FOUND);
    expect((await api(ctx, 'GET', '/sobjects/Lead/a/b/c')).body).toEqual(NOT_FOUND);
  });

  it('the identity response and userinfo carry photos (picture, thumbnail) that can be fetched', async () => {
    const id = await ctx.conn.identity();
    expect(id.photos).toEqual({ picture: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/profilephoto\/005\/F$/), thumbnail: expect.stringMatching(/\/profilephoto\/005\/T$/) });
    const photo = await fetch(id.photos.picture);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    const info = await (await fetch(`${ctx.sb.url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${ctx.token}` } })).json();
    expect(info.photos).toEqual(id.photos);
    expect(info.picture).toBe(id.photos.thumbnail);
  });
});

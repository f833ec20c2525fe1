import { describe, expect, it } from 'vitest';
import { meta } from '../../app/root.js';

const titles = { site: '公安政务服务一窗通办', notFound: '页面不存在', error: '出错了' };
type MetaArgs = Parameters<typeof meta>[0];

describe('root meta', () => {
  it('titles ordinary pages with the site name and error pages with what went wrong', () => {
    const args = (error?: unknown) => ({ data: { titles }, error }) as unknown as MetaArgs;
    expect(meta(args())).toEqual([{ title: titles.site }]);
    const notFound = { status: 404, statusText: 'Not Found', internal: false, data: null };
    expect(meta(args(notFound))).toEqual([{ title: `${titles.notFound} - ${titles.site}` }]);
    expect(meta(args(new Error('boom')))).toEqual([{ title: `${titles.error} - ${titles.site}` }]);
  });
});

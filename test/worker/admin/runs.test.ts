// Manual and scheduled purges appear in Deliveries like any webhook, each in a log of its own, with its event.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../../src/index';
import { login, type Browser } from '../support/console';
import { admin, baseConfig, putConfig } from '../support/helpers';

type Entry = { source: string; outcome: string; status: number; action: string; eventId: string; paths: number };
let browser: Browser;

beforeAll(async () => {
  const schedules = [{ id: 'nightly', cron: '0 3 * * *', distribution: 'main', purge: ['/sitemap.xml', '/archive/{date}'] }];
  expect((await putConfig(baseConfig({ schedules }))).status).toBe(200);
  browser = await login();
});

const deliveries = async (query = '') => (await (await admin(`/deliveries${query}`)).json<{ deliveries: Entry[] }>()).deliveries;

describe('the Deliveries log', () => {
  it('lists a manual purge under (manual) with its event and path count', async () => {
    const queued = await admin('/purge', { method: 'POST', body: JSON.stringify({ distribution: 'main', paths: ['/a', '/b'] }) });
    const { eventId } = await queued.json<{ eventId: string }>();
    const entry = (await deliveries()).find((d) => d.eventId === eventId);
    expect(entry).toMatchObject({ source: '(manual)', outcome: 'accepted', status: 202, action: 'purge', paths: 2 });
    expect((await deliveries('?source=%28manual%29')).map((d) => d.eventId)).toContain(eventId);
  });

  it('lists a scheduled purge under (schedule <id>)', async () => {
    const ctx = createExecutionContext();
    const scheduledTime = Date.UTC(2026, 11, 8, 3, 0, 0);
    await worker.scheduled!(createScheduledController({ cron: '0 3 * * *', scheduledTime }), env, ctx);
    await waitOnExecutionContext(ctx);
    const entry = (await deliveries('?source=%28schedule%20nightly%29'))[0];
    expect(entry).toMatchObject({
      source: '(schedule nightly)',
      action: 'schedule',
      paths: 2,
      eventId: `cron_nightly_${scheduledTime}`,
    });
  });

  it('shows them on the console page and offers them in the filter', async () => {
    const html = (await (await browser.get('/admin/ui/deliveries')).text()).replace(/&quot;/g, '"');
    expect(html).toContain('<option>(manual)</option>');
    expect(html).toContain('<option>(schedule nightly)</option>');
    expect(html).toMatch(/<td>\(manual\)<\/td><td><span class="badge b-accepted">accepted<\/span> 202<\/td><td>purge<\/td>/);
  });

  it('still answers an unknown source with a 404', async () => {
    expect((await admin('/deliveries?source=%28nope%29')).status).toBe(404);
  });
});

// The console's dead-letter page and the overview's resume button, against a scheduler the stand-in refuses.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { admin, putConfig } from '../support/helpers';
import { login, type Browser } from '../support/console';
import { items, range, scheduler, sentCounts, testDistribution } from '../support/scheduler-harness';

const DISTRIBUTIONS = { edge: testDistribution('console-dead-letters'), held: testDistribution('console-held') };
const edge = scheduler('edge', DISTRIBUTIONS.edge);
const held = scheduler('held', DISTRIBUTIONS.held);
let browser: Browser;
const deadPaths = async () =>
  (await (await admin('/distributions/edge/dead-letters')).json<{ deadLetters: { path: string }[] }>()).deadLetters.map(
    (d) => d.path,
  );

beforeAll(async () => {
  await putConfig({ distributions: DISTRIBUTIONS });
  browser = await login();
});

afterEach(async () => {
  await edge.clearFaults();
  await held.clearFaults();
});

describe('dead letters', () => {
  it('lists each distribution’s dead letters, then retries the selected ones and drops the rest', async () => {
    await edge.faults({ rejectPaths: ['/bad/1', '/bad/3'] });
    await edge.enqueue('evt_console_dead', items('url', range('/bad/', 4)));
    await edge.drain();
    await edge.clearFaults();

    const html = await (await browser.get('/admin/ui/dead-letters')).text();
    expect(html).toContain('<h2 id="dl-edge">edge</h2>');
    expect(html).toContain('<h2 id="dl-held">held</h2><p>No dead letters');
    expect(html).toContain('<input type="checkbox" name="path" value="/bad/1" aria-label="Select /bad/1"/>');
    expect(html).toContain('href="/admin/ui/events/evt_console_dead"');

    const retried = await browser.post('/admin/ui/dead-letters', { distribution: 'edge', path: '/bad/1', action: 'retry' });
    expect(retried.status).toBe(200);
    expect(await retried.text()).toContain('Queued again: 1 path(s).');
    await edge.drain();
    expect(sentCounts(await edge.calls(), 'url').get('/bad/1')).toBe(1);
    expect(await deadPaths()).toEqual(['/bad/3']);

    const dropped = await browser.post('/admin/ui/dead-letters', { distribution: 'edge', action: 'drop-all' });
    expect(await dropped.text()).toContain('Dropped: 1 path(s).');
    expect(await deadPaths()).toEqual([]);
  });

  it('keeps the CSRF check on retry and drop', async () => {
    const response = await browser.post('/admin/ui/dead-letters', { _csrf: 'forged', distribution: 'edge', action: 'drop-all' });
    expect(response.status).toBe(403);
  });
});

describe('resume', () => {
  it('offers a held distribution a resume button on the overview, and resumes it', async () => {
    await held.faults({ unauthorized: true });
    await held.enqueue('evt_console_held', items('url', ['/held/1']));
    await held.driveUntil(async () => (await held.status()).health === 'unauthorized');
    await held.clearFaults();

    const html = await (await browser.get('/admin/ui')).text();
    expect(html).toContain('<button name="distribution" value="held" class="secondary">Resume</button>');
    expect(html).not.toContain('value="edge" class="secondary">Resume');
    const response = await browser.post('/admin/ui/resume', { distribution: 'held' });
    expect([response.status, response.headers.get('location')]).toEqual([303, '/admin/ui']);
    expect((await held.status()).health).toBe('ok');
  });
});

// Doctor: what Gotipath said about each distribution (Get Distribution, the optional probe purge) and the state of
// its queue, as checks with what to do.
import type { Attempt, Diagnosis } from '../purge/diagnose';
import { classify } from '../purge/refusal';
import { error, ok, warning, type Check } from './report';

const CREDENTIALS_FIX =
  'check GOTIPATH_CLIENT_ID, GOTIPATH_LIBRARY_ID and GOTIPATH_API_KEY (wrangler secret put NAME; README "Deploy" says where Gotipath shows them)';

function distributionCheck(name: string, id: string, attempt: Attempt): Check {
  const subject = `distribution ${name}`;
  if ('skipped' in attempt) return warning('gotipath', subject, `Get Distribution not tried: ${attempt.skipped}`);
  const { outcome } = attempt;
  if (outcome.ok) return ok('gotipath', subject, `Gotipath accepts the credentials and knows distribution ${id}`);
  const { status, message } = outcome;
  if (status === 401 || status === 403)
    return error('gotipath', subject, `Gotipath refuses the credentials (${status}): ${message}`, CREDENTIALS_FIX);
  if (status === 404)
    return error(
      'gotipath',
      subject,
      `Gotipath knows no distribution ${id} in this account (404)`,
      `copy the id from the distribution's page in Gotipath's panel into distributions.${name}.id`,
    );
  if (status === 0)
    return error('gotipath', subject, `Gotipath's API cannot be reached: ${message}`, 'check GOTIPATH_API_BASE and the network');
  return warning(
    'gotipath',
    subject,
    `Get Distribution answered ${status}: ${message}`,
    'run doctor again; if it stays, ask Gotipath',
  );
}

function probeCheck(name: string, probe: NonNullable<Diagnosis['probe']>): Check {
  const subject = `distribution ${name}`;
  const what = `a URL purge of ${probe.path} with type "${probe.type}"`;
  if ('skipped' in probe) return warning('gotipath', subject, `${what} was not sent: ${probe.skipped}`);
  const { outcome } = probe;
  if (outcome.ok) return ok('gotipath', subject, `Gotipath accepted ${what} (${outcome.status})`);
  const verdict = classify(outcome);
  const said = `${outcome.status}: ${outcome.message}`;
  if (verdict === 'refused')
    return error(
      'gotipath',
      subject,
      `Gotipath refused ${what} (${said})`,
      'set gotipath.purgeTypes.url to the type Gotipath expects (only "all" is published: ask Gotipath), push the config, then resume',
    );
  if (verdict === 'rate') return warning('gotipath', subject, `${what} met a limit (${said})`, 'try again after a minute');
  if (verdict === 'auth')
    return error('gotipath', subject, `Gotipath refused the credentials for ${what} (${said})`, CREDENTIALS_FIX);
  return warning('gotipath', subject, `${what} failed (${said})`, 'run doctor again; if it stays, ask Gotipath');
}

function queueCheck(name: string, d: Diagnosis): Check | undefined {
  const subject = `distribution ${name}`;
  if (d.health === 'refused' && d.hold)
    return error(
      'gotipath',
      subject,
      `queue held: Gotipath refuses every ${d.hold.kind} call (${d.hold.status}: ${d.hold.message})`,
      'fix what the message names (often gotipath.purgeTypes), push the config, then purge-relay resume --distribution ' + name,
    );
  if (d.health === 'unauthorized')
    return error('gotipath', subject, 'queue held: Gotipath refuses the credentials', CREDENTIALS_FIX);
  if (d.deadLetters > 0)
    return warning(
      'gotipath',
      subject,
      `${d.deadLetters} dead letter(s): paths Gotipath refused`,
      'see them in the console (Dead letters) or GET /admin/distributions/' + name + '/dead-letters; retry or drop them',
    );
  return undefined;
}

export function gotipathChecks(name: string, id: string, d: Diagnosis): Check[] {
  const checks = [distributionCheck(name, id, d.distribution)];
  if (d.probe) checks.push(probeCheck(name, d.probe));
  const queue = queueCheck(name, d);
  if (queue) checks.push(queue);
  return checks;
}

// A Slack incoming-webhook message (Block Kit): the sentence an editor reads, then links to the console and the
// status page. Pure. Block Kit: https://api.slack.com/reference/block-kit/blocks ; escaping (&, <, >):
// https://api.slack.com/reference/surfaces/formatting#escaping
import type { AnyEvent } from './events';
import { sentence, type Wording } from './words';

export interface Link {
  label: string;
  url: string;
}

/** Slack reads `&`, `<` and `>` as markup: a title with them would break the message or forge a link. */
export const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A name in bold: escaped, and without the asterisks that would end the bold early. */
const bold = (s: string) => `*${escapeSlack(s).replace(/\*/g, '∗')}*`;

const ICON: Record<AnyEvent['type'], string> = {
  'event.live': ':white_check_mark:',
  'event.stuck': ':warning:',
  'distribution.held': ':octagonal_sign:',
  'distribution.resumed': ':arrow_forward:',
  'dead_letter.added': ':warning:',
  escalation: ':fast_forward:',
  'staleness.missed': ':hourglass:',
  'source.failing': ':no_entry:',
  test: ':wave:',
};

export interface SlackMessage {
  text: string;
  blocks: (
    | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
    | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  )[];
}

/** One message for a group of events; `text` is the fallback Slack shows in notifications. */
export function slackMessage(
  events: readonly AnyEvent[],
  wording: Omit<Wording, 'bold'>,
  links: readonly Link[],
  count = events.length,
): SlackMessage {
  const line = sentence(events, { ...wording, bold }, count);
  const text = `${ICON[events[0]!.type]} ${line}`;
  const blocks: SlackMessage['blocks'] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (links.length > 0)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: links.map((l) => `<${l.url}|${escapeSlack(l.label)}>`).join(' · ') }],
    });
  return { text, blocks };
}

// Storyblok: `webhook-signature`, hex HMAC-SHA1 of the raw body keyed by the webhook secret.
// https://www.storyblok.com/docs/concepts/webhooks (the header name is Standard Webhooks' too: the
// scheme comes from the source's provider, never from the headers present).
import * as z from 'zod/mini';
import { verifyBodyHmac } from './body-hmac';
import { idString, lookup, NO_OPTIONS, parsePayload, requireHeader, str } from './support';
import type { ContentAction, WebhookProvider } from './types';

/**
 * The payload's `action` (https://www.storyblok.com/docs/concepts/webhooks and the webhook object's
 * triggers: story.published|unpublished|deleted|moved, asset.created|replaced|deleted|restored,
 * datasource.entries_updated, stage.changed, release.merged, pipeline.deployed, user.*).
 */
export const STORYBLOK_ACTIONS: Readonly<Record<string, ContentAction>> = {
  published: 'publish',
  unpublished: 'unpublish',
  deleted: 'delete',
  moved: 'update',
  created: 'create',
  replaced: 'update',
  restored: 'update',
  entries_updated: 'update',
  workflow_stage_changed: 'update',
  release_merged: 'update',
  branch_deployed: 'update',
};

const Payload = z.looseObject({ action: z.string() });

export const storyblok: WebhookProvider<Record<string, never>> = {
  name: 'storyblok',
  options: NO_OPTIONS,
  defaultToleranceMs: undefined,

  async verify(request, { secrets }) {
    const scheme = { hash: 'SHA-1', header: 'webhook-signature', encoding: 'hex' } as const;
    await verifyBodyHmac(request.body, secrets, scheme, requireHeader(request.headers, scheme.header));
  },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'Storyblok');
    // Story events carry story_id (newer ones also full_slug: legacy payloads do not, see docs/providers.md);
    // assets, datasources and releases their own ids.
    const kind =
      body.story_id !== undefined
        ? 'story'
        : body.asset_id !== undefined
          ? 'asset'
          : body.datasource_slug
            ? 'datasource'
            : undefined;
    return [
      {
        action: lookup(STORYBLOK_ACTIONS, body.action) ?? 'update',
        topic: body.action,
        contentType: kind,
        documentId: idString(body.story_id) ?? idString(body.asset_id) ?? str(body.datasource_slug),
        locales: [],
        fields: body,
      },
    ];
  },

  // The body is all Storyblok signs, and it carries no time or id: two genuine publishes of one story can be
  // byte for byte the same, so nothing tells a repeat from a new change (Storyblok does not retry).
  identify: () => undefined,
};

/**
 * `/prod-access help`: the targets this person may request (name, key, durations) and how to ask. Only what they may
 * request is listed, so help never tells anyone which other targets exist.
 */
import type { KnownBlock } from '@slack/web-api';
import { IMPLICIT_TARGET_KEY, type CatalogTarget } from '../domain/catalog';
import { formatDuration } from '../domain/duration';
import { section, type SlackMessage } from './blocks';
import { escapeText } from './text';

/** The most text Slack takes in one section. */
const SECTION_TEXT_LIMIT = 3000;

function durations(target: CatalogTarget): string {
  const { defaultMs, maxMs, choicesMs } = target.duration;
  const choices = choicesMs.length ? `; choices ${choicesMs.map(formatDuration).join(', ')}` : '';
  return `default ${formatDuration(defaultMs)}, at most ${formatDuration(maxMs)}${choices}`;
}

export function helpMessage(targets: CatalogTarget[]): SlackMessage {
  // Without a catalog there is one target, asked for without naming it.
  const implicit = targets.length === 1 && targets[0].key === IMPLICIT_TARGET_KEY;
  const syntax = implicit
    ? [
        '`/prod-access <reason>` asks for production access for the default duration.',
        '`/prod-access 2h <reason>` asks for a duration.',
      ]
    : [
        '`/prod-access <target> [duration] <reason>` asks for a target, e.g. `/prod-access ' +
          `${escapeText(targets[0]?.key ?? 'prod-admin')} 2h debugging the checkout 500s\`.`,
        '`/prod-access` alone opens a form to choose the target, the duration and the reason.',
      ];
  const commands = [
    ...syntax,
    '`/prod-access cancel` withdraws your requests still waiting for an approver.',
    '`/prod-access history` lists your last requests.',
  ];
  const lines =
    targets.length === 0
      ? ['You cannot request any target yet. Ask an approver to add you to a target’s requesters.']
      : targets.map((target) =>
          implicit
            ? `• *${escapeText(target.name)}*: ${durations(target)}`
            : `• *${escapeText(target.name)}* (\`${escapeText(target.key)}\`): ${durations(target)}`,
        );
  const listed = inSections(['*What you can request*', ...lines]);
  const howTo = `*How to ask*\n${commands.join('\n')}`;
  return { text: `*What you can request*\n${lines.join('\n')}\n\n${howTo}`, blocks: [...listed, section(howTo)] };
}

/** Lines in as few sections as Slack's 3000 characters per section allow: a long catalog is listed whole. */
function inSections(lines: string[]): KnownBlock[] {
  const sections: string[] = [];
  for (const line of lines) {
    const last = sections.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= SECTION_TEXT_LIMIT)
      sections[sections.length - 1] = `${last}\n${line}`;
    else sections.push(line);
  }
  return sections.map(section);
}

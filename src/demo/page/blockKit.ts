/**
 * Block Kit → HTML for the demo workspace: every message, modal and App Home view Keycard sends, drawn from its real
 * JSON. Pure string functions, no DOM, so the unit tests run them in Node and the page runs the same compiled file.
 *
 * How the browser loads it: tsc compiles this (module commonjs) to dist/src/demo/page/blockKit.js, whose first lines
 * assign to `exports`. The page defines `var exports = {}` before loading it as a plain script and reads the
 * renderer from there; nothing here may import a module at run time (type-only imports are erased).
 *
 * Safety: Slack mrkdwn holds `&lt;` `&gt;` `&amp;` for literal characters and `<…>` for control sequences. Entities
 * are decoded once, then everything is HTML-escaped: no text a person typed can become HTML.
 */

/** Who the ids in mentions and channel links are, for showing `@Alice` and `#approvers`. */
export interface RenderContext {
  names?: Record<string, string>;
  channels?: Record<string, string>;
}

interface TextObject {
  type?: string;
  text?: string;
}

type Json = Record<string, unknown>;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Slack's three entities, decoded once: `&amp;lt;` stays the text `&lt;`. */
export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>' })[name] ?? '');
}

const EMOJI: Record<string, string> = {
  rotating_light: '🚨',
  warning: '⚠️',
  white_check_mark: '✅',
  x: '❌',
  lock: '🔒',
  key: '🔑',
  hourglass: '⌛',
};

/** Only web and mail links are followed; anything else (javascript:, data:) is shown as its text. */
function safeHref(url: string): string | undefined {
  return /^(https?:\/\/|mailto:)/i.test(url) ? url : undefined;
}

function controlSequence(inner: string, context: RenderContext): string {
  const [target, label] = splitOnce(inner, '|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = context.names?.[id] ?? (label ? decodeEntities(label) : id);
    return `<span class="bk-mention">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = context.channels?.[id] ?? (label ? decodeEntities(label) : id);
    return `<span class="bk-mention">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!')) {
    const name = label ? decodeEntities(label) : target.slice(1).split('^')[0];
    return `<span class="bk-mention">@${escapeHtml(name)}</span>`;
  }
  const url = decodeEntities(target);
  const shown = escapeHtml(label ? decodeEntities(label) : url);
  const href = safeHref(url);
  return href ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${shown}</a>` : shown;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** One line of mrkdwn: code spans and control sequences are set aside, the rest escaped, then styled. */
function mrkdwnLine(line: string, context: RenderContext): string {
  const held: string[] = [];
  const hold = (html: string) => `\uE000${held.push(html) - 1}\uE000`;
  let text = line.replace(/`([^`]+)`/g, (_, code: string) => hold(`<code>${escapeHtml(decodeEntities(code))}</code>`));
  text = text.replace(/<([^<>]+)>/g, (_, inner: string) => hold(controlSequence(inner, context)));
  text = escapeHtml(decodeEntities(text))
    .replace(/\*([^*]+)\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\p{L}\p{N}])_([^_]+)_(?=$|[^\p{L}\p{N}])/gu, '$1<em>$2</em>')
    .replace(/~([^~]+)~/g, '<del>$1</del>')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
  return text.replace(/\uE000(\d+)\uE000/g, (_, index: string) => held[Number(index)]);
}

/** Slack mrkdwn to HTML: bold, italics, strike, code, links, mentions, quotes and line breaks. */
export function mrkdwnToHtml(source: string, context: RenderContext = {}): string {
  // A private-use character marks held-aside pieces; one in the text itself is dropped so it cannot forge one.
  const lines = source.replace(/\uE000/g, '').split('\n');
  return lines
    .map((line) =>
      line.startsWith('>')
        ? `<blockquote>${mrkdwnLine(line.replace(/^>\s?/, ''), context)}</blockquote>`
        : mrkdwnLine(line, context),
    )
    .join('<br>')
    .replace(/<\/blockquote><br>/g, '</blockquote>');
}

/** A text object: mrkdwn is formatted, plain_text is shown exactly as written. */
export function textToHtml(text: TextObject | undefined, context: RenderContext = {}): string {
  if (!text || typeof text.text !== 'string') return '';
  return text.type === 'mrkdwn'
    ? mrkdwnToHtml(text.text, context)
    : escapeHtml(text.text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole));
}

/** A button; the page sends `data-action` (the element with its block_id) back to Keycard when it is clicked. */
function buttonHtml(element: Json, blockId: string | undefined): string {
  const style = element.style === 'primary' || element.style === 'danger' ? ` bk-${element.style}` : '';
  const action = JSON.stringify({ ...element, ...(blockId ? { block_id: blockId } : {}) });
  return (
    `<button type="button" class="bk-button${style}" data-action="${escapeHtml(action)}">` +
    `${textToHtml(element.text as TextObject)}</button>`
  );
}

function selectHtml(element: Json, blockId: string | undefined, context: RenderContext): string {
  const options = (element.options as { text: TextObject; value: string }[] | undefined) ?? [];
  const initial = (element.initial_option as { value?: string } | undefined)?.value;
  const placeholder = element.placeholder
    ? `<option value="">${textToHtml(element.placeholder as TextObject)}</option>`
    : '';
  return (
    `<select class="bk-select" data-block-id="${escapeHtml(blockId ?? '')}" data-action-id="${escapeHtml(String(element.action_id ?? ''))}" data-type="static_select">` +
    placeholder +
    options
      .map(
        (option) =>
          `<option value="${escapeHtml(String(option.value))}"${option.value === initial ? ' selected' : ''}>${textToHtml(option.text, context)}</option>`,
      )
      .join('') +
    '</select>'
  );
}

function elementHtml(element: Json, blockId: string | undefined, context: RenderContext): string {
  switch (element.type) {
    case 'button':
      return buttonHtml(element, blockId);
    case 'static_select':
      return selectHtml(element, blockId, context);
    case 'image':
      return `<span class="bk-image">[${escapeHtml(String(element.alt_text ?? 'image'))}]</span>`;
    case 'mrkdwn':
    case 'plain_text':
      return `<span>${textToHtml(element as TextObject, context)}</span>`;
    default:
      return unsupported(String(element.type));
  }
}

function inputHtml(block: Json, context: RenderContext): string {
  const blockId = String(block.block_id ?? '');
  const element = (block.element as Json | undefined) ?? {};
  const actionId = escapeHtml(String(element.action_id ?? ''));
  const data = `data-block-id="${escapeHtml(blockId)}" data-action-id="${actionId}"`;
  const max = typeof element.max_length === 'number' ? ` maxlength="${element.max_length}"` : '';
  const initial = escapeHtml(String(element.initial_value ?? ''));
  let field: string;
  if (element.type === 'plain_text_input') {
    field = element.multiline
      ? `<textarea class="bk-field" rows="3" ${data} data-type="plain_text_input"${max}>${initial}</textarea>`
      : `<input class="bk-field" type="text" ${data} data-type="plain_text_input"${max} value="${initial}">`;
  } else if (element.type === 'static_select') {
    field = selectHtml(element, blockId, context);
  } else {
    field = unsupported(String(element.type));
  }
  return (
    `<div class="bk-block bk-input"><label class="bk-label">${textToHtml(block.label as TextObject, context)}` +
    `${block.optional ? ' <span class="bk-optional">(optional)</span>' : ''}</label>${field}` +
    `<div class="bk-error" data-error-for="${escapeHtml(blockId)}"></div></div>`
  );
}

function unsupported(type: string): string {
  return `<div class="bk-unsupported">[unsupported Block Kit: ${escapeHtml(type)}]</div>`;
}

export function blockHtml(block: Json, context: RenderContext = {}): string {
  const blockId = typeof block.block_id === 'string' ? block.block_id : undefined;
  switch (block.type) {
    case 'section': {
      const fields = (block.fields as TextObject[] | undefined) ?? [];
      const fieldsHtml = fields.length
        ? `<div class="bk-fields">${fields.map((field) => `<div>${textToHtml(field, context)}</div>`).join('')}</div>`
        : '';
      const accessory = block.accessory
        ? `<div class="bk-accessory">${elementHtml(block.accessory as Json, blockId, context)}</div>`
        : '';
      return (
        `<div class="bk-block bk-section"><div class="bk-section-body">` +
        `<div class="bk-text">${textToHtml(block.text as TextObject, context)}</div>${fieldsHtml}</div>${accessory}</div>`
      );
    }
    case 'header':
      return `<div class="bk-block bk-header">${textToHtml(block.text as TextObject, context)}</div>`;
    case 'context': {
      const elements = (block.elements as Json[] | undefined) ?? [];
      return `<div class="bk-block bk-context">${elements.map((element) => elementHtml(element, blockId, context)).join(' ')}</div>`;
    }
    case 'divider':
      return '<hr class="bk-block bk-divider">';
    case 'actions': {
      const elements = (block.elements as Json[] | undefined) ?? [];
      return `<div class="bk-block bk-actions">${elements.map((element) => elementHtml(element, blockId, context)).join('')}</div>`;
    }
    case 'input':
      return inputHtml(block, context);
    case 'image':
      return `<div class="bk-block">${elementHtml(block, blockId, context)}</div>`;
    default:
      return unsupported(String(block.type));
  }
}

/** A list of blocks (a message's, a modal's, an App Home's). */
export function renderBlocks(blocks: unknown, context: RenderContext = {}): string {
  if (!Array.isArray(blocks)) return '';
  return blocks.map((block) => blockHtml((block ?? {}) as Json, context)).join('');
}

/** A message: its blocks, or its notification text when it has none (as Slack shows it). */
export function renderMessage(message: { text?: string; blocks?: unknown }, context: RenderContext = {}): string {
  return Array.isArray(message.blocks) && message.blocks.length > 0
    ? renderBlocks(message.blocks, context)
    : `<div class="bk-block bk-section"><div class="bk-text">${mrkdwnToHtml(message.text ?? '', context)}</div></div>`;
}

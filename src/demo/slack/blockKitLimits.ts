/**
 * What Slack refuses, so the fake Slack can refuse it too: a message or view past Block Kit's limits is answered
 * `invalid_blocks` by Slack and never shown, so a test that sent one must fail here rather than pass.
 * The numbers are Slack's published Block Kit and chat.postMessage limits.
 */
export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  contextElements: 10,
  actionsElements: 25,
  /** chat.postMessage / chat.update answer `msg_too_long` past this many characters of `text`. */
  messageText: 40_000,
} as const;

type Node = Record<string, unknown>;

const textOf = (node: unknown): string | undefined =>
  node && typeof node === 'object' && typeof (node as Node).text === 'string'
    ? ((node as Node).text as string)
    : undefined;

/** Why Slack would refuse these blocks (one reason, the first found), or undefined when it would take them. */
export function blockKitProblem(blocks: unknown, maxBlocks: number): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'blocks is not an array';
  if (blocks.length > maxBlocks) return `${blocks.length} blocks, more than ${maxBlocks}`;
  for (const [index, block] of (blocks as Node[]).entries()) {
    const problem = blockProblem(block);
    if (problem) return `block ${index} (${String(block.type)}): ${problem}`;
  }
  return undefined;
}

function blockProblem(block: Node): string | undefined {
  const elements = Array.isArray(block.elements) ? (block.elements as Node[]) : [];
  switch (block.type) {
    case 'section': {
      const text = textOf(block.text);
      if (text === undefined && !Array.isArray(block.fields)) return 'a section needs text or fields';
      if (text !== undefined && (text.length === 0 || text.length > BLOCK_KIT_LIMITS.sectionText)) {
        return `section text of ${text.length} characters (1 to ${BLOCK_KIT_LIMITS.sectionText})`;
      }
      if (Array.isArray(block.fields)) {
        if (block.fields.length === 0 || block.fields.length > BLOCK_KIT_LIMITS.sectionFields) {
          return `${block.fields.length} section fields (1 to ${BLOCK_KIT_LIMITS.sectionFields})`;
        }
        for (const field of block.fields) {
          const length = textOf(field)?.length ?? 0;
          if (length === 0 || length > BLOCK_KIT_LIMITS.fieldText) {
            return `section field text of ${length} characters (1 to ${BLOCK_KIT_LIMITS.fieldText})`;
          }
        }
      }
      return block.accessory ? elementProblem(block.accessory as Node) : undefined;
    }
    case 'header': {
      const text = textOf(block.text) ?? '';
      if (text.length === 0 || text.length > BLOCK_KIT_LIMITS.headerText) {
        return `header text of ${text.length} characters (1 to ${BLOCK_KIT_LIMITS.headerText})`;
      }
      return undefined;
    }
    case 'context':
      if (elements.length === 0 || elements.length > BLOCK_KIT_LIMITS.contextElements) {
        return `${elements.length} context elements (1 to ${BLOCK_KIT_LIMITS.contextElements})`;
      }
      return undefined;
    case 'actions':
      if (elements.length === 0 || elements.length > BLOCK_KIT_LIMITS.actionsElements) {
        return `${elements.length} actions elements (1 to ${BLOCK_KIT_LIMITS.actionsElements})`;
      }
      for (const element of elements) {
        const problem = elementProblem(element);
        if (problem) return problem;
      }
      return undefined;
    case 'input':
      return block.element ? elementProblem(block.element as Node) : 'an input needs an element';
    default:
      return undefined;
  }
}

function elementProblem(element: Node): string | undefined {
  if (typeof element.action_id === 'string' && element.action_id.length > BLOCK_KIT_LIMITS.actionId) {
    return `action_id of ${element.action_id.length} characters (at most ${BLOCK_KIT_LIMITS.actionId})`;
  }
  if (element.type !== 'button') return undefined;
  const text = textOf(element.text) ?? '';
  if (text.length === 0 || text.length > BLOCK_KIT_LIMITS.buttonText) {
    return `button text of ${text.length} characters (1 to ${BLOCK_KIT_LIMITS.buttonText})`;
  }
  if (typeof element.value === 'string' && element.value.length > BLOCK_KIT_LIMITS.buttonValue) {
    return `button value of ${element.value.length} characters (at most ${BLOCK_KIT_LIMITS.buttonValue})`;
  }
  return undefined;
}

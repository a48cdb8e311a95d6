import type { BackendInfo } from '@selfsup/core';
import { browserBackends, requestedBackend, startBackend } from './start-backend';

/** The pages of the site, in navigation order. */
export const sitePages = [
  { id: 'overview', href: './index.html', title: 'Overview' },
  { id: 'contrastive', href: './contrastive.html', title: 'Contrastive' },
  { id: 'masked-prediction', href: './masked-prediction.html', title: 'Masked prediction' },
  { id: 'autoregressive', href: './autoregressive.html', title: 'Autoregressive' },
  { id: 'finetune', href: './finetune.html', title: 'Pretrain → finetune' },
] as const;

/** One page's id. */
export type SitePageId = (typeof sitePages)[number]['id'];

/** What {@link mountPage} gives the page: its main element and the started backend. */
export type MountedPage = {
  readonly main: HTMLElement;
  readonly backend: BackendInfo;
};

/**
 * Creates an element with properties and children: the site's only DOM helper (no framework).
 *
 * @param tag The tag name.
 * @param properties Properties assigned to the element (`id`, `className`, `type`, …). @default {}
 * @param children Nodes or text appended in order. @default []
 * @returns The element.
 * @example
 * element('button', { type: 'button', id: 'train-button' }, ['Train']);
 */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

function backendSwitcher(): { readonly root: HTMLElement; readonly status: HTMLOutputElement } {
  const select = element('select', { id: 'backend-select', name: 'backend' });
  const current = requestedBackend() ?? 'auto';
  for (const name of ['auto', ...browserBackends]) {
    const label = name === 'auto' ? 'fastest available' : name;
    select.append(element('option', { value: name, selected: name === current }, [label]));
  }
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    if (select.value === 'auto') url.searchParams.delete('backend');
    else url.searchParams.set('backend', select.value);
    location.assign(url);
  });
  const status = element('output', { id: 'backend-status' }, ['starting…']);
  status.setAttribute('aria-live', 'polite');
  const root = element('div', { className: 'backend-switcher' }, [
    element('label', { htmlFor: 'backend-select' }, ['Backend']),
    select,
    element('span', {}, ['in use: ']),
    status,
  ]);
  return { root, status };
}

/**
 * Builds the shared frame of a page (skip link, navigation with the current page marked, the
 * backend switcher), starts the tfjs backend the URL asks for and reports it in the header.
 * Links keep the `?backend=` choice, so the whole site runs on the backend the user picked.
 *
 * @param pageId The page being shown.
 * @returns The page's `<main>` (empty, for the page to fill) and the backend in use.
 * @throws The backend's Error (shown in the page too) when the chosen backend cannot start.
 * @example
 * const { main, backend } = await mountPage('overview');
 */
export async function mountPage(pageId: SitePageId): Promise<MountedPage> {
  const search = location.search;
  const navigation = element('nav', { ariaLabel: 'Pages' }, [
    element(
      'ul',
      {},
      sitePages.map((page) => {
        const link = element('a', { href: `${page.href}${search}` }, [page.title]);
        if (page.id === pageId) link.setAttribute('aria-current', 'page');
        return element('li', {}, [link]);
      }),
    ),
  ]);
  const switcher = backendSwitcher();
  const header = element('header', {}, [
    element('a', { className: 'skip-link', href: '#main' }, ['Skip to content']),
    element('p', { className: 'site-name' }, ['selfsup demo']),
    navigation,
    switcher.root,
  ]);
  const main = element('main', { id: 'main', tabIndex: -1 });
  const footer = element('footer', {}, [
    'Everything here runs in your browser with the selfsup packages (TensorFlow.js).',
  ]);
  document.body.replaceChildren(header, main, footer);
  try {
    const backend = await startBackend();
    switcher.status.value = `${backend.backend}${backend.backend === 'wasm' ? ` (${backend.threads} thread${backend.threads === 1 ? '' : 's'})` : ''}`;
    document.body.dataset.backend = backend.backend;
    return { main, backend };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    switcher.status.value = 'none';
    main.append(element('p', { className: 'error', role: 'alert' }, [message]));
    throw error;
  }
}

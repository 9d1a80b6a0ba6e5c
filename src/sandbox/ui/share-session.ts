/**
 * "Copy link" and opening a share link in a sandbox. A link's code is loaded under a banner that
 * says where it came from; it never runs by itself, and while it is shown nothing is saved, so the
 * reader's own saved edits are replaced only after they say so. Text reaches the page as text only.
 */
import { bringIntoView } from './frame-scheduler';
import { isSwitch, knobName } from './knobs';
import type { NoticeKind } from './sandbox-notice';
import { sharedSandbox } from './share-fragment';
import type { SharedCode } from './share-link';

/** The link codec loads only for a link or a "Copy link": it was 1 KB gzip of every first Run. */
const codec = () => import('./share-link');

/** What the share session needs from its sandbox. */
export interface ShareHost {
  id: string;
  /** Every file as the chapter ships it. */
  originals: Record<string, string>;
  /** Knob names with their label, range and default. */
  params: Record<
    string,
    { label: string; min: number; max: number; step?: number; default: number }
  >;
  /** Every file's current text. */
  texts(): Record<string, string>;
  knobs(): Record<string, number>;
  /** Shows these texts and knob values (every file, every knob given). */
  apply(texts: Record<string, string>, knobs: Record<string, number>): void;
  /** While held, edits are kept in the page but not written to storage. */
  holdSaves(hold: boolean): void;
  saveAll(): void;
  notice(text: string, kind?: NoticeKind): void;
  /** Hides the notice if it is still one of `kind`. */
  withdrawNotice(kind: NoticeKind): void;
  status(text: string): void;
}

interface Shown {
  before: { texts: Record<string, string>; knobs: Record<string, number> };
  code: SharedCode;
}

const sameTexts = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.keys(b).every((file) => a[file] === b[file]);

export class ShareSession {
  private shown: Shown | undefined;
  private banner: HTMLElement | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: ShareHost,
  ) {}

  /** True while code from a link is on screen. */
  get active(): boolean {
    return this.shown !== undefined;
  }

  /** Loads the link in the address bar when it is for this sandbox. */
  async openFromLocation(): Promise<void> {
    if (sharedSandbox(location.hash) !== this.host.id) return;
    const { decodeShare } = await codec();
    const result = await decodeShare(location.hash, {
      id: this.host.id,
      files: Object.keys(this.host.originals),
      params: this.host.params,
    });
    if (!result.ok) {
      // The reader's saved edits stay on screen, not the chapter's code the reason speaks of.
      const saved = !this.shown && !sameTexts(this.host.texts(), this.host.originals);
      this.host.notice(
        saved
          ? result.reason.replace('the chapter’s code is shown', 'your saved edits are shown')
          : result.reason,
      );
      this.reveal();
      return;
    }
    const before = this.shown?.before ?? { texts: this.host.texts(), knobs: this.host.knobs() };
    this.shown = { before, code: result.code };
    this.host.holdSaves(true);
    this.host.apply(
      { ...this.host.originals, ...result.code.files },
      { ...before.knobs, ...result.code.params },
    );
    // "Restored your edits…" no longer holds: the link's code shows, and the banner speaks of them.
    this.host.withdrawNotice('restored');
    this.showBanner();
    this.reveal();
  }

  /**
   * A link opens the page at its top, often thousands of pixels above the sandbox: bring the sandbox
   * (its banner or notice under the run bar) into view, at once when the reader asked for less motion.
   */
  private reveal(): void {
    bringIntoView(this.root, 'start');
  }

  /** Puts a link to this sandbox's edits and knob values on the clipboard (or on screen). */
  async copy(): Promise<void> {
    const texts = this.host.texts();
    const files = Object.fromEntries(
      Object.entries(texts).filter(([file, text]) => text !== this.host.originals[file]),
    );
    const params = this.host.knobs();
    const turned = Object.entries(params).some(
      ([name, value]) => value !== this.host.params[name]?.default,
    );
    if (Object.keys(files).length === 0 && !turned) {
      this.refuse(
        'Nothing to share yet: edit the code or turn a knob first. A link carries your changes.',
      );
      return;
    }
    const page = new URL(location.href);
    page.hash = '';
    const { shareLink } = await codec();
    const link = await shareLink(page.href, { sandbox: this.host.id, files, params });
    if (!link.ok) {
      this.refuse(link.reason);
      return;
    }
    try {
      await navigator.clipboard.writeText(link.url);
      // A refusal from an earlier try no longer holds.
      this.host.withdrawNotice('share');
      this.host.status(
        'Link copied. It opens this sandbox with your changes, without running them.',
      );
    } catch {
      this.showLinkToCopy(link.url);
    }
  }

  /** No link this time: says why, and takes back an earlier "Link copied" (it was another link). */
  private refuse(reason: string): void {
    this.host.notice(reason, 'share');
    this.host.status('No link copied');
  }

  /** Leaves the shared code: back to what was shown before the link (the chapter's or saved code). */
  leave(): void {
    if (!this.shown) return;
    const { before } = this.shown;
    this.end();
    this.host.apply(before.texts, before.knobs);
    this.host.holdSaves(false);
    this.host.status(
      sameTexts(before.texts, this.host.originals)
        ? 'Showing the chapter’s code'
        : 'Showing your saved edits',
    );
  }

  private keep(confirmed: boolean): void {
    if (!this.shown) return;
    const hadEdits = !sameTexts(this.shown.before.texts, this.host.originals);
    if (hadEdits && !confirmed) {
      this.fillBanner(
        'Replace your saved edits to this sandbox with the code from the link? Your edits cannot be brought back afterwards.',
        [
          { label: 'Replace my edits', run: () => this.keep(true) },
          { label: 'Cancel', run: () => this.showBanner() },
        ],
      );
      return;
    }
    this.end();
    this.host.holdSaves(false);
    this.host.saveAll();
    this.host.status('Kept the shared code as your edits; Reset brings back the original');
  }

  private end(): void {
    this.shown = undefined;
    this.banner?.remove();
    this.banner = undefined;
    // A reload should show the reader's own code now, not the link's again.
    if (sharedSandbox(location.hash) === this.host.id)
      history.replaceState(history.state, '', location.pathname + location.search);
  }

  private showBanner(): void {
    if (!this.shown) return;
    const { before, code } = this.shown;
    const files = Object.keys(code.files);
    const knobs = Object.entries(code.params)
      .filter(([name, value]) => value !== this.host.params[name]?.default)
      .map(([name, value]) => {
        const param = this.host.params[name];
        // A switch reads as the reader saw it: "Sticky sessions on", not "(0 off, 1 on) 1".
        if (param && isSwitch(param)) return `${knobName(param.label)} ${value ? 'on' : 'off'}`;
        return `${param?.label ?? name} ${value}`;
      });
    const what = [
      files.length > 0 ? `edited ${files.join(', ')}` : '',
      knobs.length > 0 ? `set ${knobs.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const saved = !sameTexts(before.texts, this.host.originals);
    this.fillBanner(
      `This code came from a link (${what}). It has not run: press Run when you have read it.${saved ? ' Your saved edits are kept until you choose.' : ''}`,
      [
        {
          label: saved ? 'Back to your saved edits' : 'Back to the chapter’s code',
          run: () => this.leave(),
        },
        { label: 'Keep this code', run: () => this.keep(false) },
      ],
    );
  }

  private fillBanner(text: string, actions: Array<{ label: string; run(): void }>): void {
    if (!this.banner) {
      this.banner = document.createElement('div');
      this.banner.className = 'sb-share-banner';
      this.banner.setAttribute('role', 'region');
      this.banner.setAttribute('aria-label', 'Code from a link');
      this.banner.dataset.shareBanner = '';
      this.root.querySelector('[data-notice]')?.before(this.banner);
    }
    const message = document.createElement('p');
    message.textContent = text;
    const buttons = actions.map(({ label, run }) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sb-button sb-small';
      button.textContent = label;
      button.addEventListener('click', run);
      return button;
    });
    this.banner.replaceChildren(message, ...buttons);
  }

  /** When the clipboard is refused: the link in a read-only field, selected, to copy by hand. */
  private showLinkToCopy(url: string): void {
    this.host.notice(
      'This browser did not let the page copy. Copy the link below yourself.',
      'share',
    );
    const field = document.createElement('input');
    field.type = 'text';
    field.readOnly = true;
    field.value = url;
    field.className = 'sb-share-field';
    field.setAttribute('aria-label', 'Link to this sandbox with your changes');
    this.root.querySelector('[data-notice]')?.append(field);
    field.select();
  }
}

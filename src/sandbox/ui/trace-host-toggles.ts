/**
 * The "Hosts" disclosure of the sequence diagram: one checkbox per lifeline, so a reader can hide the
 * hosts a question is not about (Publish–Subscribe's six) and give the rest the width. Native
 * checkboxes in a fieldset: Tab reaches them, Space toggles, and a screen reader names each host.
 */
import { h } from './trace-details';

export class HostToggles {
  readonly element: HTMLDetailsElement;
  /** Hosts the reader hid; kept by name across runs of the same sandbox. */
  readonly hidden = new Set<string>();
  private readonly summary: HTMLElement;
  private readonly fieldset: HTMLFieldSetElement;
  private readonly showAll: HTMLButtonElement;
  private hosts: readonly string[] = [];

  constructor(private readonly onChange: () => void) {
    this.summary = h('summary', {}, 'Hosts');
    this.showAll = h('button', { type: 'button' }, 'Show all');
    this.showAll.addEventListener('click', () => {
      this.hidden.clear();
      this.changed();
    });
    this.fieldset = h('fieldset', {});
    this.element = h('details', { class: 'tv-hosts' }, this.summary, this.fieldset);
  }

  /** Lists `hosts` (the diagram's lifelines, in order) when they changed. */
  update(hosts: readonly string[]): void {
    if (hosts.length === this.hosts.length && hosts.every((host, i) => host === this.hosts[i]))
      return;
    this.hosts = [...hosts];
    const boxes = hosts.map((host) => {
      const box = h('input', { type: 'checkbox' });
      box.checked = !this.hidden.has(host);
      box.addEventListener('change', () => {
        if (box.checked) this.hidden.delete(host);
        else this.hidden.add(host);
        this.changed();
      });
      return h('label', {}, box, host);
    });
    this.fieldset.replaceChildren(h('legend', {}, 'Hosts shown'), ...boxes, this.showAll);
    this.describe();
  }

  /** Hosts of the current list that are hidden. */
  private hiddenCount(): number {
    return this.hosts.filter((host) => this.hidden.has(host)).length;
  }

  private describe(): void {
    const hidden = this.hiddenCount();
    this.summary.textContent =
      hidden === 0 ? 'Hosts' : `Hosts: ${this.hosts.length - hidden} of ${this.hosts.length}`;
    this.showAll.disabled = hidden === 0;
  }

  private changed(): void {
    for (const label of this.fieldset.querySelectorAll('label')) {
      const box = label.querySelector('input');
      if (box) box.checked = !this.hidden.has(label.textContent ?? '');
    }
    this.describe();
    this.onChange();
  }
}

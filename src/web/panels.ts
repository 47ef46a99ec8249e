// Other capabilities' panels on a page (src/capability.ts: LocationPanel, HomePanel): their links,
// their templates in order, and each one's variables beside the page's own (a name the page already
// uses is a mistake, found at the first render). `atTop` panels go first, above the page's content.
export type Panel = {
  links?: { href: string; text: string }[]
  template?: string
  context?: Record<string, unknown>
  showsRiskStatus?: boolean
  atTop?: boolean
}

export function panelView(panels: Panel[], page: Record<string, unknown>) {
  const templates = (top: boolean) =>
    panels.flatMap((p) => (p.template && Boolean(p.atTop) === top ? [p.template] : []))
  const view: Record<string, unknown> = {
    panelLinks: panels.flatMap((p) => p.links ?? []),
    panelTemplates: templates(false),
    topPanelTemplates: templates(true),
    riskStatusShown: panels.some((p) => p.showsRiskStatus),
  }
  for (const panel of panels) {
    for (const [name, value] of Object.entries(panel.context ?? {})) {
      if (name in page || name in view) throw new Error(`A panel's ${name} hides another`)
      view[name] = value
    }
  }
  return view
}

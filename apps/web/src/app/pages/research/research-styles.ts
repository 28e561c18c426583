/** Layout shared by the research report pages. */
export const REPORT_STYLES = `
  .title {
    display: flex;
    align-items: baseline;
    gap: 12px;
    margin-bottom: 10px;
    flex-wrap: wrap;
  }
  .title h1 {
    margin: 0;
    font-size: 18px;
  }
  .spacer {
    flex: 1;
  }
  section.panel {
    margin-bottom: 12px;
  }
  h2 {
    font-size: 13px;
    margin: 0 0 8px;
    color: var(--muted);
    font-weight: 600;
  }
  .section-head {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: 12px;
    flex-wrap: wrap;
  }
  .section-head label {
    font-size: 11px;
    display: flex;
    gap: 6px;
    align-items: center;
  }
  .metrics {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(140px, 1fr));
    gap: 1px;
    background: var(--border);
    border: 1px solid var(--border);
    border-radius: 6px;
    overflow: hidden;
    margin-bottom: 12px;
  }
  .metric {
    background: var(--panel);
    padding: 8px 10px;
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .metric .label {
    font-size: 10px;
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--muted);
  }
  .metric .value {
    font-size: 16px;
    font-variant-numeric: tabular-nums;
  }
  .two-col {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    gap: 12px;
    align-items: start;
  }
  @media (max-width: 1100px) {
    .two-col {
      grid-template-columns: 1fr;
    }
  }
  .placeholder {
    min-height: 120px;
    display: grid;
    place-items: center;
    color: var(--muted);
  }
  .note {
    font-size: 11px;
    color: var(--muted);
    margin: 4px 0 0;
  }
  th.sortable {
    cursor: pointer;
    user-select: none;
  }
  tr.clickable {
    cursor: pointer;
  }
  tr.selected td {
    background: var(--panel-2);
  }
`;

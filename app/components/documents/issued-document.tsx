import { TableScroll } from '~/components/scroll-region';
/** The text of an issued document as it is stored and signed (RenderedDocument in db/schema/documents.ts). */
export type DocumentText = { title: string; facts: { label: string; value: string }[]; paragraphs: string[] };

/**
 * One issued document as its page shows it — title, number, the facts as a table, the
 * paragraphs with the signature last — for decision documents and the receipt alike. `lang` is
 * the document's language when it differs from the page's (documents are stored as issued).
 */
export function IssuedDocument({ id, text, number, lang }: { id: string; text: DocumentText; number: string; lang?: string }) {
  return (
    <article className="notice-doc card" aria-labelledby={id} lang={lang}>
      <h1 id={id}>{text.title}</h1>
      <p className="notice-number">{number}</p>
      <TableScroll label={text.title}>
        <table>
          <caption className="visually-hidden">{text.title}</caption>
          <tbody>
            {text.facts.map((f) => (
              <tr key={f.label}>
                <th scope="row">{f.label}</th>
                <td>{f.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {text.paragraphs.map((p, i) => (
        <p key={i} className={i === text.paragraphs.length - 1 ? 'notice-sign' : undefined}>
          {p}
        </p>
      ))}
    </article>
  );
}

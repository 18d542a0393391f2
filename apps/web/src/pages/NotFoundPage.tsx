import { Link } from 'react-router';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';

export function NotFoundPage({ message = 'There is no page at this address.' }) {
  useDocumentTitle('Not found');
  return (
    <div className="empty-state">
      <h1>Not found</h1>
      <p>{message}</p>
      <Link to="/" className="btn">
        Go to your dashboards
      </Link>
    </div>
  );
}

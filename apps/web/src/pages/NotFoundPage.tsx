import { Link } from 'react-router';

export function NotFoundPage({ message = 'There is no page at this address.' }) {
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

export function RoleRequired({ what }: { what: string }) {
  return (
    <div className="empty-state">
      <h2>Owners and admins only</h2>
      <p>Your role on this dashboard does not include {what}. Ask an owner if you need it.</p>
    </div>
  );
}

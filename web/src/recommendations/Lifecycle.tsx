import { useId, useState } from 'react';
import { minimumRoleFor } from '#shared/auth/permissions.js';
import { dismissRequest, snoozeRequest, updateRecommendationRequest } from '#shared/contracts/recommendations.js';
import type { RecommendationStatus } from '#shared/recommendations/model.js';
import { messageOf } from '../api/errors.js';
import { useCan, useTimeZone } from '../app/context.js';
import { formatDateTime, isoDay } from '../format.js';
import { Button, Card, Dialog, Field, FormError, Notice } from '../ui/index.js';
import { useContractForm } from '../ui/form.js';
import { roleLabel } from '../settings/roles.js';
import { StatusBadge, type RecommendationDetail } from './labels.js';
import { useLifecycle } from './queries.js';

/**
 * Where a recommendation stands and what a person does with it: everyone sees the status, reason,
 * snooze date and owner; roles with recommendations:write dismiss (with a reason), snooze (to a
 * future date), reopen, mark applied and assign an owner. Each dialog's form is validated by the
 * API's own body schema, so the browser refuses what the API would.
 */
type Kind = 'dismiss' | 'snooze' | 'reopen' | 'apply' | 'owner';

/** What each status may do, as the API's lifecycle allows it. */
const NEXT: Record<RecommendationStatus, Kind[]> = {
  open: ['apply', 'snooze', 'dismiss'],
  snoozed: ['reopen', 'apply', 'snooze', 'dismiss'],
  dismissed: ['reopen', 'apply'],
  applied: ['reopen'],
  resolved: [],
};

const VERBS: Record<Kind, string> = { dismiss: 'Dismiss', snooze: 'Snooze', reopen: 'Reopen', apply: 'Mark applied', owner: 'Assign owner' };

export function Lifecycle({ rec }: { rec: RecommendationDetail }) {
  const can = useCan();
  const timeZone = useTimeZone();
  const [open, setOpen] = useState<Kind | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const writable = can('recommendations:write');
  const start = (kind: Kind) => {
    setDone(null);
    setOpen(kind);
  };
  const finish = (message: string) => {
    setOpen(null);
    setDone(message);
  };

  return (
    <Card title="Status">
      <div className="rec-lifecycle" data-testid="lifecycle">
        {done ? <Notice tone="good">{done}</Notice> : null}
        <div className="rec-lifecycle-row">
          <span className="muted">Status</span>
          <span data-testid="rec-status">
            <StatusBadge status={rec.status} />
          </span>
          {rec.statusChangedAt ? (
            <span className="muted rec-sub">
              since {formatDateTime(rec.statusChangedAt, timeZone)}
              {rec.statusChangedBy ? ` by ${rec.statusChangedBy}` : ' (analysis)'}
            </span>
          ) : null}
        </div>
        {rec.status === 'dismissed' && rec.dismissReason ? (
          <div>
            <div className="muted rec-sub">Dismissed because</div>
            <p className="rec-quote" data-testid="dismiss-reason">
              {rec.dismissReason}
            </p>
          </div>
        ) : null}
        {rec.status === 'snoozed' && rec.snoozedUntil ? (
          <p className="muted" style={{ margin: 0 }} data-testid="snoozed-until">
            Snoozed until {formatDateTime(rec.snoozedUntil, timeZone)}: it reopens on its own then.
          </p>
        ) : null}
        {rec.status === 'applied' && rec.appliedAt ? (
          <p className="muted" style={{ margin: 0 }}>
            Applied {formatDateTime(rec.appliedAt, timeZone)}. Later billing confirms the savings.
          </p>
        ) : null}
        {rec.status === 'resolved' ? (
          <p className="muted" style={{ margin: 0 }}>
            Its condition went away on its own. It reopens if the condition returns.
          </p>
        ) : null}
        {writable && NEXT[rec.status].length ? (
          <div className="rec-lifecycle-row" role="group" aria-label="Change the status">
            {NEXT[rec.status].map((kind) => (
              <Button key={kind} variant={kind === 'apply' || kind === 'reopen' ? 'primary' : kind === 'dismiss' ? 'danger' : 'secondary'} onClick={() => start(kind)}>
                {kind === 'snooze' && rec.status === 'snoozed' ? 'Change snooze' : VERBS[kind]}
              </Button>
            ))}
          </div>
        ) : null}
        <div className="rec-lifecycle-row">
          <span className="muted">Owner</span>
          <span data-testid="rec-owner">{rec.owner ?? <span className="muted">Nobody yet</span>}</span>
          {rec.ownerSource === 'tag' ? <span className="muted rec-sub">from the resource's owner tag</span> : rec.ownerSource === 'assigned' ? <span className="muted rec-sub">assigned</span> : null}
          {writable ? (
            <Button variant="ghost" onClick={() => start('owner')}>
              {rec.ownerSource === 'assigned' ? 'Change owner' : 'Assign owner'}
            </Button>
          ) : null}
        </div>
        {writable ? null : (
          <p className="muted rec-sub" data-testid="lifecycle-read-only" style={{ margin: 0 }}>
            You can view this recommendation. Dismissing, snoozing, applying and assigning take the {roleLabel(minimumRoleFor('recommendations:write'))} role or above.
          </p>
        )}
      </div>
      {open === 'dismiss' && writable ? <DismissDialog rec={rec} onClose={() => setOpen(null)} onDone={finish} /> : null}
      {open === 'snooze' && writable ? <SnoozeDialog rec={rec} onClose={() => setOpen(null)} onDone={finish} /> : null}
      {open === 'owner' && writable ? <OwnerDialog rec={rec} onClose={() => setOpen(null)} onDone={finish} /> : null}
      {(open === 'apply' || open === 'reopen') && writable ? <ConfirmDialog kind={open} rec={rec} onClose={() => setOpen(null)} onDone={finish} /> : null}
    </Card>
  );
}

interface DialogProps {
  rec: RecommendationDetail;
  onClose: () => void;
  onDone: (message: string) => void;
}

function Footer({ formId, verb, busy, onClose, danger }: { formId: string; verb: string; busy: boolean; onClose: () => void; danger?: boolean }) {
  return (
    <>
      <Button variant="ghost" onClick={onClose}>
        Cancel
      </Button>
      <Button variant={danger ? 'danger' : 'primary'} type="submit" form={formId} busy={busy}>
        {verb}
      </Button>
    </>
  );
}

function DismissDialog({ rec, onClose, onDone }: DialogProps) {
  const formId = useId();
  const lifecycle = useLifecycle(rec.id);
  const form = useContractForm(dismissRequest, { reason: '' });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async ({ reason }) => {
    try {
      await lifecycle.mutateAsync({ kind: 'dismiss', reason });
      onDone('Recommendation dismissed. Later analyses keep its figures current but do not reopen it.');
    } catch (error) {
      form.showApiError(error);
    }
  });
  return (
    <Dialog open title="Dismiss this recommendation" onClose={onClose} footer={<Footer formId={formId} verb="Dismiss" busy={isSubmitting} onClose={onClose} danger />}>
      <form id={formId} className="form rec-dialog-form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="muted" style={{ margin: 0 }}>
          It leaves the open list and stops counting toward potential savings. The reason is kept with it for your team.
        </p>
        <Field label="Reason" error={errors.reason?.message} hint="For example: kept idle on purpose, disaster-recovery standby.">
          {(props) => <textarea {...props} {...form.register('reason')} maxLength={1000} />}
        </Field>
        <FormError message={errors.root?.server?.message} />
      </form>
    </Dialog>
  );
}

function SnoozeDialog({ rec, onClose, onDone }: DialogProps) {
  const formId = useId();
  const timeZone = useTimeZone();
  const lifecycle = useLifecycle(rec.id);
  const tomorrow = isoDay(new Date(Date.now() + 86_400_000));
  const inAMonth = isoDay(new Date(Date.now() + 30 * 86_400_000));
  const form = useContractForm(snoozeRequest, { until: inAMonth });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async ({ until }) => {
    try {
      const updated = await lifecycle.mutateAsync({ kind: 'snooze', until });
      onDone(`Snoozed until ${formatDateTime(updated.snoozedUntil ?? until, timeZone)}.`);
    } catch (error) {
      form.showApiError(error);
    }
  });
  return (
    <Dialog open title="Snooze this recommendation" onClose={onClose} footer={<Footer formId={formId} verb="Snooze" busy={isSubmitting} onClose={onClose} />}>
      <form id={formId} className="form rec-dialog-form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="muted" style={{ margin: 0 }}>
          It leaves the open list until that day and reopens on its own then (at 00:00 UTC).
        </p>
        <Field label="Snooze until" error={errors.until?.message} hint="A day in the future.">
          {(props) => <input {...props} type="date" min={tomorrow} {...form.register('until')} />}
        </Field>
        <FormError message={errors.root?.server?.message} />
      </form>
    </Dialog>
  );
}

function OwnerDialog({ rec, onClose, onDone }: DialogProps) {
  const formId = useId();
  const lifecycle = useLifecycle(rec.id);
  const form = useContractForm(updateRecommendationRequest, { owner: rec.ownerSource === 'assigned' ? (rec.owner ?? '') : '' });
  const { errors, isSubmitting } = form.formState;
  const [clearing, setClearing] = useState(false);
  const submit = form.handleSubmit(async ({ owner }) => {
    try {
      await lifecycle.mutateAsync({ kind: 'owner', owner });
      onDone(owner ? `Assigned to ${owner}.` : 'Owner cleared.');
    } catch (error) {
      form.showApiError(error);
    }
  });
  const clear = async () => {
    setClearing(true);
    try {
      await lifecycle.mutateAsync({ kind: 'owner', owner: null });
      onDone(rec.inferredOwner ? `Assignment cleared: the owner tag names ${rec.inferredOwner}.` : 'Owner cleared.');
    } catch (error) {
      form.showApiError(error);
    } finally {
      setClearing(false);
    }
  };
  return (
    <Dialog open title="Assign an owner" onClose={onClose} footer={<Footer formId={formId} verb="Assign" busy={isSubmitting} onClose={onClose} />}>
      <form id={formId} className="form rec-dialog-form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="muted" style={{ margin: 0 }}>
          A person or team who will act on it.{' '}
          {rec.inferredOwner ? `Without an assignment, the resource's owner tag names ${rec.inferredOwner}.` : 'The resource has no owner tag to fall back on.'}
        </p>
        <Field label="Owner" error={errors.owner?.message}>
          {(props) => <input {...props} type="text" autoComplete="off" maxLength={128} {...form.register('owner')} />}
        </Field>
        {rec.ownerSource === 'assigned' ? (
          <div>
            <Button variant="ghost" busy={clearing} onClick={() => void clear()}>
              Clear the assignment{rec.inferredOwner ? ' (use the owner tag)' : ''}
            </Button>
          </div>
        ) : null}
        <FormError message={errors.root?.server?.message} />
      </form>
    </Dialog>
  );
}

function ConfirmDialog({ kind, rec, onClose, onDone }: DialogProps & { kind: 'apply' | 'reopen' }) {
  const lifecycle = useLifecycle(rec.id);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setError(null);
    try {
      await lifecycle.mutateAsync(kind === 'apply' ? { kind: 'apply' } : { kind: 'reopen' });
      onDone(kind === 'apply' ? 'Marked as applied. Savings are confirmed once billing covers the days after.' : 'Recommendation reopened.');
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Dialog
      open
      title={kind === 'apply' ? 'Mark as applied' : 'Reopen this recommendation'}
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" busy={lifecycle.isPending} onClick={() => void confirm()}>
            {VERBS[kind]}
          </Button>
        </>
      }
    >
      <p className="muted" style={{ margin: 0 }}>
        {kind === 'apply'
          ? "You made the change yourself. CloudOptima records this resource's billed cost per day over the last 30 days, and compares it with billing after today to confirm the savings."
          : rec.status === 'applied'
            ? 'It goes back to the open list; the recorded baseline and realized savings are dropped.'
            : 'It goes back to the open list and counts toward potential savings again.'}
      </p>
      {error ? (
        <div style={{ marginTop: 12 }}>
          <FormError message={messageOf(error)} />
        </div>
      ) : null}
    </Dialog>
  );
}

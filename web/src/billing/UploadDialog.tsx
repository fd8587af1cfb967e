import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { billingRoutes, createUploadRequest } from '#shared/contracts/billing.js';
import { useApi } from '../app/context.js';
import { Button, Dialog, Field, FormError } from '../ui/index.js';
import { useContractForm } from '../ui/form.js';
import { fileSize } from './labels.js';
import { billingKeys } from './queries.js';
import { contentTypeOf, putFile, safeFileName, UploadError } from './upload.js';
import type { BillingSource, Ingestion } from './types.js';

type Phase = { step: 'idle' } | { step: 'target' } | { step: 'upload'; fraction: number } | { step: 'start' };

const CONTENT_TYPE_NAMES: Record<string, string> = {
  'text/csv': 'CSV',
  'application/gzip': 'gzip CSV',
  'application/vnd.apache.parquet': 'Parquet',
  'application/octet-stream': 'detected from its content',
};

/**
 * Upload a billing export: ask the API for an upload target, PUT the file there (with progress),
 * then start its ingestion. The page follows the ingestion from there.
 */
export function UploadDialog({
  open,
  sources,
  sourceId,
  onClose,
  onStarted,
}: {
  open: boolean;
  sources: BillingSource[];
  sourceId: string | null;
  onClose: () => void;
  onStarted: (ingestion: Ingestion, fileName: string) => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const uploadSources = sources.filter((s) => s.kind === 'upload');
  const choices = uploadSources.length ? uploadSources : sources;
  const form = useContractForm(createUploadRequest, { sourceId: sourceId ?? choices[0]?.id ?? '', fileName: '', contentType: 'application/octet-stream' });
  const { errors } = form.formState;
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const contentType = form.watch('contentType');
  const busy = phase.step !== 'idle';

  useEffect(() => {
    if (!open) return;
    // The source asked for, else the one chosen last time if it is still offered, else the first.
    const current = form.getValues('sourceId');
    const offered = (id: string | null | undefined) => Boolean(id && choices.some((s) => s.id === id));
    form.setValue('sourceId', offered(sourceId) ? sourceId! : offered(current) ? current : (choices[0]?.id ?? ''));
    // Only when the dialog opens (for a given source), not on every render.
  }, [open, sourceId]);

  const reset = () => {
    abort.current?.abort();
    abort.current = null;
    setPhase({ step: 'idle' });
    setFile(null);
    setFileError(null);
    if (fileInput.current) fileInput.current.value = '';
    form.reset({ sourceId: form.getValues('sourceId'), fileName: '', contentType: 'application/octet-stream' });
  };

  const close = () => {
    reset();
    onClose();
  };

  const choose = (picked: File | null) => {
    setFile(picked);
    setFileError(null);
    if (!picked) return;
    form.setValue('fileName', safeFileName(picked.name), { shouldValidate: true });
    form.setValue('contentType', contentTypeOf(picked.name));
  };

  const submit = form.handleSubmit(async (body) => {
    if (!file) {
      setFileError('Choose the export file to upload.');
      return;
    }
    if (file.size === 0) {
      setFileError('This file is empty.');
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    try {
      setPhase({ step: 'target' });
      const { upload, target } = await api.call(billingRoutes.createUpload, { body, signal: controller.signal });
      setPhase({ step: 'upload', fraction: 0 });
      await putFile(target, file, { signal: controller.signal, onProgress: (fraction) => setPhase({ step: 'upload', fraction }) });
      setPhase({ step: 'start' });
      const ingestion = await api.call(billingRoutes.createIngestion, {
        body: { sourceId: upload.sourceId, uploadIds: [upload.id] },
        signal: controller.signal,
        idempotencyKey: `ingest-${upload.id}`,
      });
      queryClient.setQueryData(billingKeys.ingestion(ingestion.id), ingestion);
      void queryClient.invalidateQueries({ queryKey: billingKeys.ingestions });
      abort.current = null;
      reset();
      onStarted(ingestion, upload.fileName);
    } catch (error) {
      abort.current = null;
      setPhase({ step: 'idle' });
      if (error instanceof DOMException && error.name === 'AbortError') return;
      if (error instanceof UploadError) form.setError('root.server', { type: 'server', message: error.message });
      else form.showApiError(error);
    }
  });

  const progress = phase.step === 'upload' ? Math.round(phase.fraction * 100) : null;

  return (
    <Dialog
      open={open}
      title="Upload a billing export"
      onClose={close}
      footer={
        <>
          <Button onClick={close}>{busy ? 'Cancel upload' : 'Cancel'}</Button>
          <Button type="submit" form="upload-billing-file" variant="primary" busy={busy} disabled={choices.length === 0}>
            Upload and ingest
          </Button>
        </>
      }
    >
      <form id="upload-billing-file" className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Upload a billing export">
        <Field label="Source" error={errors.sourceId?.message} hint={choices.length === 0 ? 'Add a billing source first.' : 'The file replaces the billing periods it holds for this source.'}>
          {(props) => (
            <select {...props} disabled={busy || choices.length === 0} {...form.register('sourceId')}>
              {choices.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="File" error={fileError ?? undefined} hint="FOCUS 1.0–1.3, AWS CUR 2.0 or legacy CUR, as CSV, gzip CSV (.csv.gz) or Parquet.">
          {(props) => (
            <input
              {...props}
              ref={fileInput}
              type="file"
              accept=".csv,.gz,.parquet,text/csv,application/gzip"
              disabled={busy}
              onChange={(e) => choose(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        {file ? (
          <>
            <Field
              label="Stored as"
              error={errors.fileName?.message}
              hint={`${fileSize(file.size)} · sent as ${CONTENT_TYPE_NAMES[contentType ?? ''] ?? contentType}; the format is detected from the content.`}
            >
              {(props) => <input {...props} autoComplete="off" spellCheck={false} disabled={busy} {...form.register('fileName')} />}
            </Field>
          </>
        ) : null}
        {phase.step !== 'idle' ? (
          <div className="billing-upload-progress" role="status" aria-live="polite">
            <div className="billing-upload-phase">
              {phase.step === 'target' ? 'Preparing the upload…' : phase.step === 'upload' ? `Uploading… ${progress}%` : 'Starting the ingestion…'}
            </div>
            <progress max={100} value={phase.step === 'target' ? 0 : phase.step === 'start' ? 100 : (progress ?? 0)} aria-label="Upload progress" />
          </div>
        ) : null}
        <FormError message={errors.root?.server?.message} />
      </form>
    </Dialog>
  );
}

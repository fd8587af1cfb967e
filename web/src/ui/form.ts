import { zodResolver } from '@hookform/resolvers/zod';
import { useForm, type DefaultValues, type FieldValues, type Path, type UseFormReturn } from 'react-hook-form';
import type { z } from 'zod';
import { ApiError, messageOf } from '../api/errors.js';

/**
 * A react-hook-form form validated by the API's own zod schema (imported from shared/contracts), so
 * the browser refuses exactly what the API would. When the API still says 400, its field-level
 * details land on the matching fields; anything else becomes the form's own error.
 */
export function useContractForm<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
  defaultValues?: DefaultValues<z.input<S>>,
): UseFormReturn<z.input<S>, unknown, z.output<S>> & { showApiError: (error: unknown) => void } {
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    resolver: zodResolver(schema as never) as never,
    ...(defaultValues ? { defaultValues } : {}),
    mode: 'onTouched',
  });
  const showApiError = (error: unknown) => {
    const issues = error instanceof ApiError ? error.fieldIssues : [];
    let placed = false;
    for (const issue of issues) {
      const field = issue.field.replace(/^body\./, '');
      if (field && field in form.getValues()) {
        form.setError(field as Path<z.input<S>>, { type: 'server', message: issue.message });
        placed = true;
      }
    }
    if (!placed) form.setError('root.server', { type: 'server', message: messageOf(error) });
  };
  return Object.assign(form, { showApiError });
}

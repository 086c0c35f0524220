/** What a company page shows (the page and its forms, company-forms.tsx, both read it). */
import type {
  Asset,
  CompanyWithPlan,
  Contact,
  EffectiveFeature,
  FeatureCategory,
  Location,
  TicketWithCompany,
} from '../db/index.js';
import type { CompanyKnowledge } from '../knowledge/index.js';
import type { Flash, ViewContext } from './layout.js';

export interface CompanyDetailView {
  ctx: ViewContext;
  flash?: Flash | undefined;
  company: CompanyWithPlan;
  locations: Location[];
  features: EffectiveFeature[];
  catalogue: FeatureCategory[];
  planNames: string[];
  contacts: Contact[];
  assets: { items: Asset[]; total: number };
  tickets: TicketWithCompany[];
  audit: { at: Date; actorName: string; action: string }[];
  /** Knowledgetree's articles of the company, or that it could not be asked. */
  knowledge: CompanyKnowledge;
  canEditDetails: boolean;
  canEditPlan: boolean;
}

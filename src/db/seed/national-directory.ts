import type { NationalDirectory } from './national-data.ts'
import type { Sink } from './national-sinks.ts'

// The generated directory as rows: providers, organisations, locations, contracts and a user for each
// council officer, provider manager and the national viewer (all with the one seed password).
export async function loadDirectory(sink: Sink, d: NationalDirectory, now: string, passwordHash: string) {
  await sink.rows(
    'providers',
    ['id', 'cqc_provider_id', 'name', 'ownership', 'created_at', 'updated_at'],
    d.providers.map((p) => [p.id, p.cqcProviderId, p.name, p.ownership, now, now]),
  )
  const regionId = '00000000-0000-4000-8000-000000000001'
  await sink.rows(
    'organisations',
    ['id', 'name', 'kind', 'ons_code', 'provider_id', 'created_at', 'updated_at'],
    [
      ...d.councils.map((c) => [c.id, c.name, 'council', c.onsCode, null, now, now]),
      [regionId, 'National overview (generated data)', 'region', null, null, now, now],
      ...d.providers.map((p) => [p.organisationId, p.name, 'provider', null, p.id, now, now]),
    ],
  )
  await sink.rows(
    'locations',
    [
      'id',
      'provider_id',
      'cqc_location_id',
      'name',
      'address_line1',
      'town',
      'postcode',
      'council_id',
      'local_authority_name',
      'area',
      'service_type',
      'registered_beds',
      'people_supported',
      'cqc_rating',
      'registration_start',
      'status',
      'created_at',
      'updated_at',
    ],
    d.locations.map((l, i) => [
      l.id,
      d.providers[l.providerIndex]!.id,
      l.cqcLocationId,
      l.name,
      `${(i % 200) + 1} High Street`,
      l.town,
      l.postcode,
      d.councils[l.councilIndex]!.id,
      d.councils[l.councilIndex]!.name,
      l.area,
      l.serviceType,
      l.registeredBeds,
      l.peopleSupported,
      l.cqcRating,
      l.registrationStart,
      'open',
      now,
      now,
    ]),
  )
  await sink.rows(
    'location_status_events',
    ['location_id', 'status', 'effective_from', 'source', 'recorded_at'],
    d.locations.map((l) => [l.id, 'open', l.registrationStart, 'seed', now]),
  )
  await sink.rows(
    'council_contracts',
    ['council_id', 'location_id', 'created_at'],
    d.locations.flatMap((l) =>
      l.contractedBy === null ? [] : [[d.councils[l.contractedBy]!.id, l.id, now]],
    ),
  )
  await sink.rows(
    'users',
    [
      'id',
      'email',
      'display_name',
      'role',
      'organisation_id',
      'password_hash',
      'status',
      'created_at',
      'updated_at',
    ],
    [
      ...d.councils.map((c) => [
        c.officerUserId,
        `officer@${c.slug}.example`,
        c.officerName,
        'council_officer',
        c.id,
        passwordHash,
        'active',
        now,
        now,
      ]),
      [
        '00000000-0000-4000-8000-000000000002',
        'national@region.example',
        'National Viewer',
        'regional_viewer',
        regionId,
        passwordHash,
        'active',
        now,
        now,
      ],
      ...d.providers.map((p, i) => [
        p.managerUserId,
        `manager@provider-${i + 1}.example`,
        p.managerName,
        'provider_manager',
        p.organisationId,
        passwordHash,
        'active',
        now,
        now,
      ]),
    ],
  )
}

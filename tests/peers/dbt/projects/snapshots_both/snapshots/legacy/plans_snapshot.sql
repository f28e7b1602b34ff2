{% snapshot plans_snapshot %}
    {{ config(
        target_schema='snapshots',
        target_database='peer',
        unique_key=['plan_id', 'region'],
        strategy='check',
        check_cols=['tier', 'monthly_price'],
        invalidate_hard_deletes=True,
    ) }}
    select plan_id, region, tier, monthly_price, currency
    from {{ ref('stg_plans') }}
{% endsnapshot %}

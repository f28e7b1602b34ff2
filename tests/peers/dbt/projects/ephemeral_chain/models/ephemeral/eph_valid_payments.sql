-- level 2: only payments that moved money
   WITH filtered AS (
    SELECT * FROM {{ ref('eph_base_payments') }}
    WHERE status <> 'failed'
)
SELECT * FROM filtered

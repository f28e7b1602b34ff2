select {{ helpers.columns_csv(ref('labelled')) }} from {{ ref('labelled') }}

select
    n.generated_number,
    e.even_number,
    '{{ shim_utils.slugify('Even Number #1 (Total)') }}' as slug_text,
    '{{ shim_utils.slugify('2024 Report') }}' as slug_digits
from {{ ref('shim_utils', 'shim_numbers') }} as n
left join {{ ref('shim_utils', 'shim_even_numbers') }} as e
    on n.generated_number * 2 = e.even_number

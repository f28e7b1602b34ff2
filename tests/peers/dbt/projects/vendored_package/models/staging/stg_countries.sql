select country, upper(country_name) as country_name
from {{ ref('country_names') }}

select {% if %} 1

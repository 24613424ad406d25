"""The catalogue's names and outcomes as translatable messages (reference/interventions.csv is English data;
pages show ``{% translate item.name %}``). tests/interventions/test_names.py keeps this list equal to the file."""

from django.utils.translation import gettext_noop

NAMES = (
    gettext_noop('Steam trap survey and repair'),
    gettext_noop('Steam condensate recovery and return'),
    gettext_noop('Boiler feedwater economiser'),
    gettext_noop('Insulation of boiler, steam pipes, valves and fittings'),
    gettext_noop('Heat recovery from hot dyeing wastewater'),
    gettext_noop('Compressed-air leak detection and repair'),
    gettext_noop('Variable-speed drives on pumps, fans and compressors'),
    gettext_noop('High-efficiency motors (IE3/IE4)'),
    gettext_noop('Efficient lighting (LED)'),
    gettext_noop('Low-liquor-ratio dyeing machines'),
    gettext_noop('Reuse of cooling water'),
    gettext_noop('Rooftop solar PV (own roof)'),
    gettext_noop("Group rooftop solar on an industrial park's shared roofs"),
    gettext_noop('Solar thermal preheating of process water'),
    gettext_noop('Power purchase agreement for renewable electricity'),
    gettext_noop('Renewable energy certificates (I-RECs)'),
    gettext_noop('Switch a coal or oil boiler to biomass'),
    gettext_noop('Replace fossil process heat with an industrial heat pump'),
    gettext_noop('Replace a fossil boiler with an electric boiler'),
    gettext_noop('Treated wastewater recycling (reuse in process)'),
    gettext_noop('Rainwater harvesting'),
    gettext_noop('Water-efficient washing and rinsing machines'),
    gettext_noop('Substitution of hazardous chemicals (ZDHC MRSL)'),
    gettext_noop('Automated dyes and chemicals dosing'),
    gettext_noop('Segregation and recycling of fabric and packaging waste'),
    gettext_noop('Reuse or co-processing of ETP sludge'),
    gettext_noop('Worker–management committee'),
    gettext_noop('Worker grievance mechanism'),
    gettext_noop('Prevention of gender-based violence and harassment'),
    gettext_noop('Occupational safety and health programme'),
    gettext_noop('Supervisory skills training'),
)

OUTCOMES = (
    gettext_noop('Factories in Better Work improved compliance with national law and ILO standards on occupational safety and health, among others; in Haiti, the focus on compliance and working conditions translated into better worker health. Programme-level findings, not a promised reduction of injuries.'),
    gettext_noop('In Better Work Haiti, training line supervisors, particularly women, paid off in better working relationships and higher productivity (randomised trial of the supervisory skills training in the Tufts assessment).'),
)

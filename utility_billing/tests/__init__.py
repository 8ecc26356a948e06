from . import test_utility_meter
from . import test_utility_account
from . import test_access_rights
from . import test_utility_meter_read
from . import test_multicompany
from . import test_utility_read_import
